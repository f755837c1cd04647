import * as oauth from 'oauth4webapi'
import { issuerUnavailable } from '../http/fetch-json.js'
import { tracedFetch } from '../telemetry/traces.js'
import { Refreshable } from '../http/refreshable.js'
import type { IssuerConfig } from './options.js'

export type IssuerMetadata = oauth.AuthorizationServer

/**
 * Issuer metadata, fetched on first use (a service starts while its issuer is down).
 * OpenID Connect Discovery first, then RFC 8414 (`/.well-known/oauth-authorization-server`);
 * oauth4webapi checks that the document's `issuer` is the one we asked for (RFC 8414 §3.3).
 */
export function createMetadataSource(config: IssuerConfig): Refreshable<IssuerMetadata> {
  const issuer = new URL(config.issuer)
  const load = async (): Promise<IssuerMetadata> => {
    try {
      return await discover(issuer, 'oidc', config)
    } catch (oidcError) {
      try {
        return await discover(issuer, 'oauth2', config)
      } catch {
        throw issuerUnavailable(`discovery of ${config.issuer} failed`, oidcError)
      }
    }
  }
  return new Refreshable(load, {
    maxAgeMs: 24 * 3_600_000,
    failureBackoffMs: config.failureBackoffMs,
  })
}

async function discover(
  issuer: URL,
  algorithm: 'oidc' | 'oauth2',
  config: IssuerConfig,
): Promise<IssuerMetadata> {
  const response = await oauth.discoveryRequest(issuer, {
    algorithm,
    signal: AbortSignal.timeout(config.timeoutMs),
    [oauth.customFetch]: tracedFetch(config.fetch, 'discovery'),
    [oauth.allowInsecureRequests]: issuer.protocol === 'http:',
  })
  return oauth.processDiscoveryResponse(issuer, response)
}
