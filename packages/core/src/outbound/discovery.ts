import * as client from 'openid-client'
import { Refreshable } from '../http/refreshable.js'
import { clientAuthentication } from './client-auth.js'
import { toTokenError } from './error-mapping.js'
import { TokenRequestError } from './errors.js'
import type { TokenClientConfig } from './options.js'
import { tracedFetch } from '../telemetry/traces.js'

/**
 * The openid-client Configuration for the issuer, built on first use (a service may start
 * while its issuer is down) and kept for a day. With `issuer` set the token endpoint is
 * discovered: OpenID Connect Discovery first, then RFC 8414 §3
 * (`/.well-known/oauth-authorization-server`); openid-client checks that the document's
 * `issuer` is the one we asked for (RFC 8414 §3.3). With `tokenEndpoint` nothing is fetched.
 */
export function createConfigurationSource(
  config: TokenClientConfig,
): Refreshable<client.Configuration> {
  // Every token request is an HTTP client span (with no tracer registered, a no-op).
  const traced = tracedFetch(config.fetch, 'token_request')
  const load = async (): Promise<client.Configuration> => {
    const auth = await clientAuthentication(config)
    const configuration =
      config.tokenEndpoint === undefined
        ? await discover(config, auth)
        : new client.Configuration(
            {
              issuer: config.issuer ?? new URL(config.tokenEndpoint).origin,
              token_endpoint: config.tokenEndpoint,
            },
            config.clientId,
            clientMetadata(config),
            auth,
          )
    configuration[client.customFetch] = (url, init) => traced(url, init)
    configuration.timeout = config.timeoutMs / 1000
    if (insecure(config)) client.allowInsecureRequests(configuration)
    return configuration
  }
  // failureBackoffMs 0: the retry loop around us decides when to try again.
  return new Refreshable(load, { maxAgeMs: 24 * 3_600_000, failureBackoffMs: 0, now: config.now })
}

async function discover(
  config: TokenClientConfig,
  auth: client.ClientAuth,
): Promise<client.Configuration> {
  const issuer = new URL(config.issuer!)
  const traced = tracedFetch(config.fetch, 'discovery')
  const options = (algorithm: 'oidc' | 'oauth2'): client.DiscoveryRequestOptions => ({
    algorithm,
    timeout: config.timeoutMs / 1000,
    [client.customFetch]: (url, init) => traced(url, init),
    execute: insecure(config) ? [client.allowInsecureRequests] : [],
  })
  let first: TokenRequestError
  try {
    return await client.discovery(
      issuer,
      config.clientId,
      clientMetadata(config),
      auth,
      options('oidc'),
    )
  } catch (error) {
    first = toTokenError(error, 'issuer metadata endpoint', config.redact)
    if (first.retryable) throw first
  }
  try {
    return await client.discovery(
      issuer,
      config.clientId,
      clientMetadata(config),
      auth,
      options('oauth2'),
    )
  } catch (error) {
    const second = toTokenError(error, 'issuer metadata endpoint', config.redact)
    if (second.retryable) throw second
    throw new TokenRequestError({
      code: 'ERR_DISCOVERY_FAILED',
      message: config.redact(
        `discovery failed: neither ${config.issuer} OpenID Connect Discovery nor RFC 8414 metadata was usable (${first.message}; ${second.message})`,
      ),
    })
  }
}

/**
 * With a client certificate, the token request goes to the issuer's `mtls_endpoint_aliases`
 * when its metadata publishes them (RFC 8705 §5): an issuer may ask for certificates only there.
 */
function clientMetadata(config: TokenClientConfig): Partial<client.ClientMetadata> | undefined {
  return config.mtls === undefined ? undefined : { use_mtls_endpoint_aliases: true }
}

/** Plain http is for loopback test issuers, or when explicitly allowed. */
function insecure(config: TokenClientConfig): boolean {
  return new URL(config.tokenEndpoint ?? config.issuer!).protocol === 'http:'
}
