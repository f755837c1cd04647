import * as oauth from 'oauth4webapi'
import { isAuthError } from '../errors.js'
import { issuerUnavailable } from '../http/fetch-json.js'
import { checkAudience, checkNotBefore, checkRequiredClaims, toPrincipal } from './claims.js'
import type { IssuerMetadata } from './discovery.js'
import type { IntrospectionConfig } from './introspection-options.js'
import type { Verified } from './issuer-verifier.js'
import { invalidToken } from './jws.js'
import type { IssuerConfig } from './options.js'

export type Introspect = (token: string) => Promise<Verified>

/**
 * RFC 7662 token introspection for opaque tokens. Concurrent introspections of one token
 * share a single request (a burst from one caller costs one round trip); the caller's
 * verified-token cache then keeps the result until `exp`, and at most `cacheTtlMs`, so a
 * revoked token stops working within that TTL.
 */
export function createIntrospector(
  config: IssuerConfig,
  introspection: IntrospectionConfig,
  metadata: (() => Promise<IssuerMetadata>) | undefined,
): Introspect {
  const client: oauth.Client = { client_id: introspection.clientId }
  const clientAuth = clientAuthentication(introspection)
  const server = async (): Promise<oauth.AuthorizationServer> => {
    if (introspection.endpoint !== undefined) {
      return { issuer: config.issuer, introspection_endpoint: introspection.endpoint }
    }
    return metadata!()
  }
  const inFlight = new Map<string, Promise<Verified>>()

  const introspectOnce = async (token: string): Promise<Verified> => {
    const as = await server()
    if (typeof as.introspection_endpoint !== 'string') {
      throw issuerUnavailable(`${config.issuer} publishes no introspection_endpoint`)
    }
    const insecure = as.introspection_endpoint.startsWith('http:')
    // Our client secret goes in this request: never in clear text off loopback, whatever
    // discovery says (RFC 7662 §4 requires TLS).
    if (insecure && !config.allowInsecureRequests && !isLoopback(as.introspection_endpoint)) {
      throw issuerUnavailable(
        `the introspection endpoint ${as.introspection_endpoint} is not https`,
      )
    }
    let response: Response
    try {
      response = await oauth.introspectionRequest(as, client, clientAuth, token, {
        signal: AbortSignal.timeout(config.timeoutMs),
        [oauth.customFetch]: config.fetch,
        [oauth.allowInsecureRequests]: insecure,
      })
    } catch (cause) {
      throw issuerUnavailable('the introspection endpoint could not be reached', cause)
    }
    let result: oauth.IntrospectionResponse
    try {
      result = await oauth.processIntrospectionResponse(as, client, response)
    } catch (cause) {
      // A 401 here means *our* client credentials were refused: a server-side problem.
      throw issuerUnavailable(`introspection failed with HTTP ${response.status}`, cause)
    }
    return toVerified(result, config, introspection)
  }

  return (token) => {
    let pending = inFlight.get(token)
    if (pending === undefined) {
      pending = introspectOnce(token).finally(() => inFlight.delete(token))
      inFlight.set(token, pending)
    }
    return pending
  }
}

function clientAuthentication(introspection: IntrospectionConfig): oauth.ClientAuth {
  switch (introspection.authMethod) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(introspection.clientSecret!)
    case 'client_secret_post':
      return oauth.ClientSecretPost(introspection.clientSecret!)
    case 'none':
      return oauth.None()
  }
}

const NOT_ACCESS_TOKENS = new Set(['refresh_token', 'id_token'])

/** RFC 7662 §2.2: only `active` is required; every other member is checked when present. */
function toVerified(
  result: Record<string, unknown>,
  config: IssuerConfig,
  introspection: IntrospectionConfig,
): Verified {
  if (result.active !== true) throw invalidToken('ERR_TOKEN_INACTIVE', 'the token is not active')
  const { iss, exp } = result
  if (iss !== undefined && !(typeof iss === 'string' && config.issuers.includes(iss))) {
    throw invalidToken('ERR_TOKEN_ISSUER', 'the token issuer is not trusted')
  }
  // Hydra says `token_use`, RFC 7662 `token_type`; a refresh token is not a bearer credential.
  if (NOT_ACCESS_TOKENS.has(String(result.token_type)) || result.token_use === 'refresh_token') {
    throw invalidToken('ERR_TOKEN_TYPE', 'the token is not an access token')
  }
  const nowS = Date.now() / 1000
  if (exp !== undefined && (typeof exp !== 'number' || exp <= nowS - config.clockTolerance)) {
    throw invalidToken('ERR_TOKEN_EXPIRED', 'the token has expired')
  }
  checkNotBefore(result, config, nowS)
  if (config.audienceClaims.some((claim) => result[claim] !== undefined))
    checkAudience(result, config)
  checkRequiredClaims(result, config)
  const ttlEnd = Date.now() + introspection.cacheTtlMs
  const expiresAt = typeof exp === 'number' ? Math.min(exp * 1000, ttlEnd) : ttlEnd
  return { principal: toPrincipal(result, config, exp), expiresAt, kid: '' }
}

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url)
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]'
}

export function isInactive(error: unknown): boolean {
  return isAuthError(error) && error.status === 401
}
