import * as oauth from 'oauth4webapi'
import { isAuthError, type AuthError } from '../errors.js'
import { createRedactor, type Redactor } from '../outbound/redact.js'
import type { IssuerMetadata } from './discovery.js'
import {
  createRefusalCache,
  issuerTag,
  memoryRefusalStore,
  refusalKey,
  type RefusalCache,
} from './introspection-cache.js'
import { introspectionFailure, unavailable } from './introspection-failure.js'
import { createConcurrencyLimit } from './introspection-limit.js'
import type { IntrospectionConfig } from './introspection-options.js'
import { toVerified } from './introspection-result.js'
import type { Verified } from './issuer-verifier.js'
import type { IssuerConfig } from './options.js'

export type Introspect = (token: string) => Promise<Verified>

/**
 * RFC 7662 token introspection for opaque tokens, bounded so that tokens an attacker makes up
 * cannot turn this service into an amplifier against its issuer:
 *
 * - concurrent introspections of one token share a single call (single-flight);
 * - a refusal is remembered for `inactiveCache.ttlMs`, keyed by the token's SHA-256, so one
 *   garbage token costs one call per TTL however often it is sent;
 * - distinct tokens share `maxConcurrent` calls per issuer and a `maxQueued` queue, past which
 *   the answer is an immediate 503 with Retry-After.
 *
 * An active result is not cached here: the caller's verified-token cache keeps it until `exp`,
 * and at most `cacheTtlMs`, so a revoked token stops working within that TTL.
 */
export function createIntrospector(
  config: IssuerConfig,
  introspection: IntrospectionConfig,
  metadata: (() => Promise<IssuerMetadata>) | undefined,
): Introspect {
  // RFC 6749 §2.3.1: the secret travels raw, form-encoded, or inside Basic base64 with the id.
  const redact = createRedactor([introspection.clientSecret], { clientId: introspection.clientId })
  const call = createIntrospectionCall(config, introspection, metadata, redact)
  const { maxConcurrent, maxQueued, inactiveCache } = introspection
  const limit = createConcurrencyLimit(maxConcurrent, maxQueued, () =>
    unavailable(
      `introspection is saturated: ${maxConcurrent} calls in flight, ${maxQueued} waiting`,
      redact,
      1,
    ),
  )
  const refusals: RefusalCache | undefined =
    inactiveCache && createRefusalCache(memoryRefusalStore(inactiveCache), inactiveCache.ttlMs)
  const tag = issuerTag(config.issuer)
  const inFlight = new Map<string, Promise<Verified>>()

  const introspectOnce = async (key: string, token: string): Promise<Verified> => {
    const remembered = await refusals?.lookup(key)
    if (remembered !== undefined) throw remembered
    try {
      return await limit(() => call(token))
    } catch (error) {
      if (isInactive(error)) refusals?.remember(key, error)
      throw error
    }
  }

  return (token) => {
    const key = refusalKey(tag, token)
    let pending = inFlight.get(key)
    if (pending === undefined) {
      pending = introspectOnce(key, token).finally(() => inFlight.delete(key))
      inFlight.set(key, pending)
    }
    return pending
  }
}

/** One introspection request and its answer, as a Verified or an AuthError (401 or 503). */
function createIntrospectionCall(
  config: IssuerConfig,
  introspection: IntrospectionConfig,
  metadata: (() => Promise<IssuerMetadata>) | undefined,
  redact: Redactor,
): (token: string) => Promise<Verified> {
  const client: oauth.Client = { client_id: introspection.clientId }
  const clientAuth = clientAuthentication(introspection)
  const server = async (): Promise<oauth.AuthorizationServer> => {
    if (introspection.endpoint !== undefined) {
      return { issuer: config.issuer, introspection_endpoint: introspection.endpoint }
    }
    return metadata!()
  }

  return async (token) => {
    const as = await server()
    const endpoint = as.introspection_endpoint
    if (typeof endpoint !== 'string') {
      throw unavailable(`${config.issuer} publishes no introspection_endpoint`, redact)
    }
    const insecure = endpoint.startsWith('http:')
    // Our client secret goes in this request: never in clear text off loopback, whatever
    // discovery says (RFC 7662 §4 requires TLS).
    if (insecure && !config.allowInsecureRequests && !isLoopback(endpoint)) {
      throw unavailable(`the introspection endpoint ${endpoint} is not https`, redact)
    }
    let result: oauth.IntrospectionResponse
    try {
      const response = await oauth.introspectionRequest(as, client, clientAuth, token, {
        signal: AbortSignal.timeout(config.timeoutMs),
        [oauth.customFetch]: config.fetch,
        [oauth.allowInsecureRequests]: insecure,
      })
      result = await oauth.processIntrospectionResponse(as, client, response)
    } catch (cause) {
      // A 401 here means *our* client credentials were refused: a server-side problem. The
      // endpoint may quote the token back too, and a bearer token is a credential.
      const redactToken = createRedactor([token])
      throw introspectionFailure(cause, (text) => redactToken(redact(text)))
    }
    return toVerified(result, config, introspection)
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

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url)
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]'
}

/** A 401 refusal (the token), as opposed to a 503 (the issuer). */
export function isInactive(error: unknown): error is AuthError {
  return isAuthError(error) && error.status === 401
}
