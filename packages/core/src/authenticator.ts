import type { ChallengeConfig } from './challenge.js'
import { createBearerVerifier, type VerifiedTokenCacheOptions } from './bearer/verifier.js'
import { normalizeIssuer, type BearerIssuerOptions } from './bearer/options.js'
import { isAuthError, MissingCredentialsError, type AuthError } from './errors.js'
import { invalidToken } from './bearer/jws.js'
import { setPrincipalChallenge, type Principal } from './principal.js'
import { normalizeBasic, type BasicOptions } from './basic/options.js'
import { createBasicVerifier, type HeaderSink } from './basic/verifier.js'
import { attribute, normalizeAttribution, type AttributionOptions } from './basic/attribution.js'
import {
  createResourceMetadata,
  type ResourceMetadata,
  type ResourceMetadataOptions,
} from './resource-metadata.js'
import { tokenHeaderOption } from './token-header.js'
import { memoryStore } from './store/memory-store.js'
import { resilientStore, type StoreFallbackEvent } from './store/resilient-store.js'
import { assertStore, type Store } from './store/types.js'
import {
  missingCredentials,
  readCredentials,
  rememberChallengeConfig,
  type AuthRequest,
  type Credentials,
} from './request.js'

export interface AuthenticatorOptions {
  /** One trusted issuer, or several (picked by the token's `iss`). */
  bearer?: BearerIssuerOptions | readonly BearerIssuerOptions[]
  /** Realm of the Bearer challenge (RFC 6750 §3). Default `"api"`. */
  realm?: string
  /** Tokens longer than this are refused before any parsing. Default 8 KiB. */
  maxTokenLength?: number
  /** The verified-token cache; `false` turns it off. */
  cache?: VerifiedTokenCacheOptions | false
  /**
   * Read the bearer token from this header instead of `Authorization: Bearer` (a preset such
   * as `capillary` sets it). Either source is accepted; both at once are a 400.
   */
  tokenHeader?: string
  /** Serve RFC 9728 protected resource metadata and announce it in 401 challenges. */
  resourceMetadata?: ResourceMetadataOptions
  /** Legacy POS tills on HTTP Basic (RFC 7617), alongside Bearer on the same routes. */
  basic?: BasicOptions
  /** Let a POS gateway's token name the till it acts for in a header. */
  attribution?: AttributionOptions
  /**
   * Where state that replicas should share lives (till lockout counts today): `redisStore()`
   * from `@m2m-auth/redis` for a fleet. Default: `memoryStore()`, this process alone.
   */
  store?: Store
  /**
   * Told when the shared `store` stops answering (every call has a 250 ms deadline) and state
   * falls back to this process, and when it is back; also reported as a process warning.
   */
  onStoreFallback?: (event: StoreFallbackEvent) => void
}

export interface AuthenticateOptions {
  /** Resolve `undefined` instead of rejecting when the request has no credentials at all. */
  optional?: boolean
  /** Where successful Basic responses get their Deprecation/Sunset/Link headers (Node's `res`). */
  response?: HeaderSink
}

export interface Authenticator {
  /** Resolves to the caller's Principal, or rejects with an AuthError; never anything else. */
  authenticate(request: AuthRequest, options?: { optional?: false }): Promise<Principal>
  authenticate(request: AuthRequest, options: AuthenticateOptions): Promise<Principal | undefined>
  /**
   * `authenticate()` without the promise whenever none is needed, for adapters: returns the
   * principal (or `undefined`, optional and no credentials) when the answer is known now — a
   * cached token or till, or a fresh token whose signing key is already fetched — throws the
   * AuthError when the request is refused now, and returns a promise only when the answer waits
   * on I/O (first key fetch, introspection, a till's scrypt). A reused or fresh token then costs
   * no promise and no extra tick.
   */
  authenticateNow(
    request: AuthRequest,
    options?: AuthenticateOptions,
  ): Principal | undefined | Promise<Principal | undefined>
  /**
   * Fetches every issuer's metadata and signing keys now instead of on the first request, so
   * that request is answered without waiting (and, for example, readiness can wait for it).
   * Optional: without it discovery stays lazy. Rejects with the issuer's AuthError (503
   * `ERR_ISSUER_UNAVAILABLE`) when one cannot be reached; the authenticator keeps working and
   * tries again on a later request, as it would have without the call.
   */
  prefetch(): Promise<void>
  /** The realm and schemes this authenticator challenges with. */
  readonly challenge: Readonly<ChallengeConfig>
  /** RFC 9728 metadata for adapters to serve, when `resourceMetadata` is configured. */
  readonly resourceMetadata: ResourceMetadata | undefined
}

/** For adapters: a caller mistake caught once, at construction, with the same words everywhere. */
export function assertAuthenticator(value: unknown): asserts value is Authenticator {
  const candidate = value as Partial<Authenticator> | null | undefined
  if (
    typeof candidate?.authenticate !== 'function' ||
    typeof candidate.authenticateNow !== 'function'
  ) {
    throw new TypeError('"authenticator" must come from createAuthenticator()')
  }
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createAuthenticator() needs an options object')
  }
  const store = storeOption(options.store, options.onStoreFallback)
  // Introspection results are shared only through a store the user configured.
  const bearer = bearerVerifier(options, options.store === undefined ? undefined : store)
  if (bearer === undefined) throw new TypeError('"bearer" must be configured')
  const issuerVerifiers = [...new Set(bearer.issuers.values())]
  const configs = issuerVerifiers.map((v) => v.config)
  const tokenHeader = tokenHeaderOption(options.tokenHeader, configs)
  const resourceMetadata =
    options.resourceMetadata === undefined
      ? undefined
      : createResourceMetadata(
          options.resourceMetadata,
          configs.map((c) => c.issuer),
        )
  const basicConfig = options.basic === undefined ? undefined : normalizeBasic(options.basic, store)
  const basic = basicConfig && createBasicVerifier(basicConfig)
  const attribution = normalizeAttribution(options.attribution, basicConfig?.tills)
  // RFC 7617 §2 / RFC 7235 §4.1: where Basic is accepted, 401s offer both challenges.
  const challengeConfig: ChallengeConfig = Object.freeze({
    realm: realm(options.realm),
    basicRealm: basicConfig?.mode === 'deny' ? undefined : basicConfig?.realm,
    resourceMetadata: resourceMetadata?.url,
  })

  const dispatch = (
    credentials: Credentials,
    request: AuthRequest,
    response: HeaderSink | undefined,
  ): Principal | Promise<Principal> => {
    switch (credentials.scheme) {
      case 'bearer': {
        const principal = bearer.verifyNow(credentials.token)
        if (attribution === undefined) return principal
        return principal instanceof Promise
          ? principal.then((p) => attribute(p, request, attribution))
          : attribute(principal, request, attribution)
      }
      case 'basic':
        if (basic) return basic.verify(credentials.value, request, response)
        throw schemeDisabled()
      case 'other':
        throw schemeDisabled()
    }
  }

  // The last principal handed out: a reused token skips re-registering it (one comparison).
  let lastPrincipal: Principal | undefined
  const accepted = (principal: Principal): Principal => {
    if (principal !== lastPrincipal) {
      setPrincipalChallenge(principal, challengeConfig)
      lastPrincipal = principal
    }
    return principal
  }
  const refused = (error: unknown): never => {
    throw finalError(error).withConfig(challengeConfig)
  }

  function authenticateNow(
    request: AuthRequest,
    options?: AuthenticateOptions,
  ): Principal | undefined | Promise<Principal | undefined> {
    let result: Principal | Promise<Principal>
    try {
      const credentials = readCredentials(request, tokenHeader, false)
      if (credentials === undefined) {
        if (options?.optional !== true) throw missingCredentials(request, challengeConfig)
        rememberChallengeConfig(request, challengeConfig)
        return undefined
      }
      result = dispatch(credentials, request, options?.response)
    } catch (error) {
      return refused(error)
    }
    return result instanceof Promise ? result.then(accepted, refused) : accepted(result)
  }

  function authenticate(
    request: AuthRequest,
    options?: AuthenticateOptions,
  ): Promise<Principal | undefined> {
    // A refusal thrown now becomes this promise's rejection.
    return new Promise((resolve) => resolve(authenticateNow(request, options)))
  }

  async function prefetch(): Promise<void> {
    await Promise.all(issuerVerifiers.map((issuer) => issuer.prefetch()))
  }

  return {
    authenticate: authenticate as Authenticator['authenticate'],
    authenticateNow,
    prefetch,
    challenge: challengeConfig,
    resourceMetadata,
  }
}

function bearerVerifier(
  options: AuthenticatorOptions,
  store: Store | undefined,
): ReturnType<typeof createBearerVerifier> | undefined {
  if (options.bearer === undefined) return undefined
  const list: readonly BearerIssuerOptions[] = isList(options.bearer)
    ? options.bearer
    : [options.bearer]
  if (list.length === 0) throw new TypeError('"bearer" must name at least one issuer')
  const configs = list.map((o, i) =>
    normalizeIssuer(o, list.length === 1 ? 'bearer' : `bearer[${i}]`),
  )
  const seen = new Set<string>()
  for (const iss of configs.flatMap((c) => c.issuers)) {
    if (seen.has(iss)) throw new TypeError(`"bearer" lists issuer ${iss} twice`)
    seen.add(iss)
  }
  const maxTokenLength = options.maxTokenLength ?? 8192
  if (!Number.isInteger(maxTokenLength) || maxTokenLength < 64) {
    throw new TypeError('"maxTokenLength" must be an integer >= 64')
  }
  return createBearerVerifier(configs, { maxTokenLength, cache: options.cache ?? {}, store })
}

function schemeDisabled(): AuthError {
  return new MissingCredentialsError({
    code: 'ERR_SCHEME_DISABLED',
    description: 'this authentication scheme is not accepted here',
  })
}

function realm(value: unknown): string {
  if (value === undefined) return 'api'
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError('"realm" must be a non-empty string')
  return value
}

function finalError(error: unknown): AuthError {
  if (isAuthError(error)) return error
  return invalidToken('ERR_CREDENTIALS_INVALID', 'the credentials could not be verified', error)
}

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value)
}

function storeOption(value: unknown, onFallback: unknown): Store {
  if (onFallback !== undefined && typeof onFallback !== 'function') {
    throw new TypeError('"onStoreFallback" must be a function')
  }
  if (value === undefined) return memoryStore()
  assertStore(value, 'store')
  return resilientStore(value, { onFallback: onFallback as (e: StoreFallbackEvent) => void })
}
