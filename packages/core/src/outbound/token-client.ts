import type { Attributes } from '@opentelemetry/api'
import type { FetchLike } from '../http/fetch-json.js'
import { createAuthorizedFetch, headerSender, type Send } from './authorized-fetch.js'
import { createConfigurationSource } from './discovery.js'
import { dpopHeaders, dpopSender } from './dpop-fetch.js'
import { NonceMemory } from './dpop-nonces.js'
import { emit, type TokenSubject } from './hooks.js'
import { requestFormToken } from './form-token-request.js'
import { requestJsonToken } from './json-token-request.js'
import { normalizeOptions, type TokenClientConfig, type TokenClientOptions } from './options.js'
import { schedule } from './refresh-policy.js'
import type { RequestParams, TokenRequestOptions } from './request-params.js'
import { count } from '../telemetry/metrics.js'
import { withRetry } from './retry.js'
import { sharedFetch } from './shared-token.js'
import { createSlotRegistry } from './slot-registry.js'
import { lifetimeMs, type TokenResponse } from './token-response.js'
import { checkTokenResponse } from './token-response-checks.js'
import { TokenSlot, type AccessToken, type FetchedToken } from './token-slot.js'

export interface TokenClient {
  /** An access token: from the cache when it is still good, else from the issuer. */
  getToken(options?: TokenRequestOptions): Promise<string>
  /** The same, with its type, expiry and the headers that present it to an API. */
  getAccessToken(options?: TokenRequestOptions): Promise<AccessToken>
  /**
   * `fetch` with the default token attached (with `dpop`, a fresh proof per request and one
   * retry on `use_dpop_nonce`); one retry with a fresh token on 401 invalid_token.
   */
  fetch: FetchLike
  /**
   * The headers that present the default token on one request to `url` with `method`: with a
   * DPoP-bound token, `authorization: DPoP …` and a fresh `dpop` proof (with the nonce this
   * server last gave); otherwise the token's own headers. For HTTP clients other than `fetch`.
   */
  headersFor(method: string, url: string | URL): Promise<Readonly<Record<string, string>>>
  /** Drops the cached token for these options; with none, every cached token. */
  invalidate(options?: TokenRequestOptions): void
}

/**
 * A client credentials token client (RFC 6749 §4.4) for one client at one issuer. Options are
 * checked here, once; nothing is fetched until the first token is asked for.
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const config = normalizeOptions(options)
  const request = createRequester(config)
  const newSlot = (params: RequestParams): TokenSlot => {
    const subject = subjectOf(config, params)
    const fromIssuer = (): Promise<FetchedToken> => fetchToken(config, request, params)
    return new TokenSlot(subject, fleetFetch(config, subject, fromIssuer) ?? fromIssuer, config)
  }
  const registry = createSlotRegistry(config.endpointId, config.clientId, config.defaults, newSlot)
  const { defaultSlot } = registry
  const nonces = new NonceMemory()
  const send: Send = config.dpop
    ? dpopSender(config.fetch, config.dpop, nonces)
    : headerSender(config.fetch)

  return Object.freeze({
    // The default slot is a closure variable: a cache hit is a clock read and two comparisons.
    getToken: (tokenOptions?: TokenRequestOptions): Promise<string> =>
      tokenOptions === undefined
        ? defaultSlot.token()
        : settle(() => registry.slotFor(tokenOptions).token()),
    getAccessToken: (tokenOptions?: TokenRequestOptions): Promise<AccessToken> =>
      tokenOptions === undefined
        ? defaultSlot.accessToken()
        : settle(() => registry.slotFor(tokenOptions).accessToken()),
    fetch: createAuthorizedFetch({
      send,
      token: () => defaultSlot.accessToken(),
      invalidate: (accessToken) => defaultSlot.invalidate(accessToken),
      bearer: config.preset.tokenHeader.name === 'authorization',
    }),
    async headersFor(method: string, url: string | URL) {
      const target = new URL(url) // an invalid URL rejects with a TypeError
      const token = await defaultSlot.accessToken()
      if (config.dpop === undefined || token.tokenType.toLowerCase() !== 'dpop')
        return token.headers
      return Object.freeze(await dpopHeaders(config.dpop, nonces, token, method, target))
    },
    invalidate(tokenOptions?: TokenRequestOptions): void {
      if (tokenOptions === undefined) registry.invalidateAll()
      else registry.slotFor(tokenOptions).invalidate()
    },
  })
}

/** A bad per-call option (a TypeError) becomes a rejection: callers only handle promises. */
function settle<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start()
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

type Requester = (params: RequestParams) => Promise<TokenResponse>

function createRequester(config: TokenClientConfig): Requester {
  const dialect = config.preset.json
  if (dialect !== undefined) return (params) => requestJsonToken(config, dialect, params)
  const source = createConfigurationSource(config)
  return (params) => requestFormToken(source, config, params)
}

async function fetchToken(
  config: TokenClientConfig,
  request: Requester,
  params: RequestParams,
): Promise<FetchedToken> {
  const subject = subjectOf(config, params)
  const started = config.now()
  const { value: response, attempts } = await counted(config.clientId, async () => {
    const result = await withRetry(
      () => request(params),
      config.retry,
      ({ attempt, delayMs, error }) =>
        emit(config.hooks.retry, () => ({
          ...subject,
          attempt,
          delayMs,
          code: error.code,
          reason: error.message,
        })),
    )
    checkTokenResponse(result.value, config.dpop !== undefined)
    return result
  })
  // Lifetimes count from when the request was sent: time in flight shortens, never lengthens.
  const elapsed = config.now() - started
  const lifetime = lifetimeMs(response, config.defaultExpiresInMs, elapsed)
  return {
    token: accessTokenOf(config, response, Date.now() + lifetime - elapsed),
    // `expires_in: 0` (or an `exp` already past): good for this one use, never cached.
    schedule: lifetime > 0 ? schedule(config, started, lifetime) : undefined,
    attempts,
    durationMs: elapsed,
  }
}

/** `m2m_auth.token_client.requests`: one per token fetched from the issuer, ok or error. */
async function counted<T>(clientId: string, run: () => Promise<T>): Promise<T> {
  try {
    const value = await run()
    count('tokenRequests', `ok\n${clientId}`, requestAttributes)
    return value
  } catch (error) {
    count('tokenRequests', `error\n${clientId}`, requestAttributes)
    throw error
  }
}

function requestAttributes(key: string): Attributes {
  const split = key.indexOf('\n')
  return { 'm2m_auth.result': key.slice(0, split), 'm2m_auth.client_id': key.slice(split + 1) }
}

/** With a shared store: the fleet's single flight in front of the issuer, else `undefined`. */
function fleetFetch(
  config: TokenClientConfig,
  subject: TokenSubject,
  fromIssuer: () => Promise<FetchedToken>,
): ((rejected: string | undefined) => Promise<FetchedToken>) | undefined {
  const { fleet } = config
  if (fleet === undefined) return undefined
  const slotId = JSON.stringify([
    subject.endpoint,
    subject.clientId,
    subject.scope,
    subject.audience,
    subject.resource,
    // A DPoP-bound token is only usable with its key: replicas share it per key (RFC 9449 §6).
    ...(config.dpop === undefined ? [] : [config.dpop.jkt]),
    // A certificate-bound token only works over TLS with its certificate (RFC 8705 §3).
    ...(config.mtls === undefined ? [] : [config.mtls.thumbprint]),
  ])
  const shared = sharedFetch(fleet.store, fleet.cipher, slotId, fleet.lease, config.now, (token) =>
    accessTokenOf(config, { ...token, expiresIn: undefined }, token.expiresAt),
  )
  return (rejected) => shared(fromIssuer, rejected)
}

function accessTokenOf(
  config: TokenClientConfig,
  response: TokenResponse,
  expiresAt: number,
): AccessToken {
  const { name } = config.preset.tokenHeader
  // RFC 9449 §7.1: a DPoP-bound token travels under the DPoP scheme (with a proof per request).
  const scheme =
    config.dpop !== undefined && response.tokenType.toLowerCase() === 'dpop'
      ? 'DPoP'
      : config.preset.tokenHeader.scheme
  return Object.freeze({
    accessToken: response.accessToken,
    tokenType: response.tokenType,
    expiresAt: new Date(expiresAt),
    scope: response.scope,
    headers: Object.freeze({
      [name]: scheme === undefined ? response.accessToken : `${scheme} ${response.accessToken}`,
    }),
  })
}

function subjectOf(config: TokenClientConfig, params: RequestParams): TokenSubject {
  return Object.freeze({
    endpoint: config.endpointId,
    clientId: config.clientId,
    scope: params.scopes.join(' '),
    audience: params.audience,
    resource: params.resource.length > 0 ? params.resource.join(' ') : undefined,
  })
}
