import * as oauth from 'oauth4webapi'
import { isAuthError, type AuthError } from '../errors.js'
import { createRedactor, type Redactor } from '../outbound/redact.js'
import { count, counter, issuerResult } from '../telemetry/metrics.js'
import { tracedFetch } from '../telemetry/traces.js'
import type { Store } from '../store/types.js'
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
import {
  createSharedIntrospection,
  type IntrospectionClaims,
  type SharedIntrospection,
} from './introspection-shared.js'
import type { Verified } from './verified.js'
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
 * Without a shared `store`, an active result is not cached here: the caller's verified-token
 * cache keeps it until `exp`, and at most `cacheTtlMs`, so a revoked token stops working within
 * that TTL, and nothing leaves the process. With one (and a client secret to MAC entries with),
 * the store is the cache: active results, for that same TTL, and refusals alike are settled
 * once for the fleet, behind this process's own single flight (introspection-shared.ts).
 */
export function createIntrospector(
  config: IssuerConfig,
  introspection: IntrospectionConfig,
  metadata: (() => Promise<IssuerMetadata>) | undefined,
  store?: Store,
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
  const tag = issuerTag(config.issuer)
  const inFlight = new Map<string, Promise<Verified>>()
  const verify = (claims: IntrospectionClaims): Verified =>
    toVerified(claims, config, introspection)
  const ask = (token: string): Promise<IntrospectionClaims> => limit(() => call(token))
  const shared = sharedIntrospection(config, introspection, store, verify)
  const refusals: RefusalCache | undefined =
    shared === undefined && inactiveCache
      ? createRefusalCache(memoryRefusalStore(inactiveCache), inactiveCache.ttlMs)
      : undefined

  const lookup = async (
    key: string,
    token: string,
    asked: { issuer: boolean },
  ): Promise<Verified> => {
    const askIssuer = (): Promise<IntrospectionClaims> => {
      asked.issuer = true
      return ask(token)
    }
    if (shared !== undefined) return shared(key, token, askIssuer)
    const remembered = await refusals?.lookup(key)
    if (remembered !== undefined) throw remembered
    try {
      return verify(await askIssuer())
    } catch (error) {
      if (isInactive(error)) refusals?.remember(key, error)
      throw error
    }
  }

  // A lookup the issuer did not have to answer (a remembered refusal, a fleet result) is a hit.
  const introspectOnce = async (key: string, token: string): Promise<Verified> => {
    const asked = { issuer: false }
    try {
      return await lookup(key, token, asked)
    } finally {
      ;(asked.issuer ? introspectionMiss : introspectionHit)()
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

/**
 * The fleet's share of introspection, when the authenticator has a shared store. It needs the
 * client secret to MAC entries with; an `authMethod: 'none'` client has none, and stays
 * in-process.
 */
function sharedIntrospection(
  config: IssuerConfig,
  introspection: IntrospectionConfig,
  store: Store | undefined,
  verify: (claims: IntrospectionClaims) => Verified,
): SharedIntrospection | undefined {
  if (store === undefined || introspection.clientSecret === undefined) return undefined
  const policy = {
    refusalTtlMs: introspection.inactiveCache?.ttlMs,
    // A leader's call ends within the request timeout; followers wait no longer than that.
    lease: { leaseMs: config.timeoutMs, waitMs: config.timeoutMs, pollMs: 25 },
  }
  return createSharedIntrospection(store, introspection.clientSecret, policy, verify)
}

/** One introspection request and its answer (RFC 7662 §2.2), or an AuthError (503). */
function createIntrospectionCall(
  config: IssuerConfig,
  introspection: IntrospectionConfig,
  metadata: (() => Promise<IssuerMetadata>) | undefined,
  redact: Redactor,
): (token: string) => Promise<IntrospectionClaims> {
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
    try {
      const response = await oauth.introspectionRequest(as, client, clientAuth, token, {
        signal: AbortSignal.timeout(config.timeoutMs),
        [oauth.customFetch]: tracedFetch(config.fetch, 'introspection'),
        [oauth.allowInsecureRequests]: insecure,
      })
      const answer = await oauth.processIntrospectionResponse(as, client, response)
      count('introspections', `${config.issuer} ok`, issuerResult)
      return answer
    } catch (cause) {
      count('introspections', `${config.issuer} error`, issuerResult)
      // A 401 here means *our* client credentials were refused: a server-side problem. The
      // endpoint may quote the token back too, and a bearer token is a credential.
      const redactToken = createRedactor([token])
      throw introspectionFailure(cause, (text) => redactToken(redact(text)))
    }
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

const introspectionHit = counter('cacheLookups', {
  'm2m_auth.cache': 'introspection',
  'm2m_auth.result': 'hit',
})
const introspectionMiss = counter('cacheLookups', {
  'm2m_auth.cache': 'introspection',
  'm2m_auth.result': 'miss',
})
