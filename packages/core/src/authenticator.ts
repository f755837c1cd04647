import type { ChallengeConfig } from './challenge.js'
import { createBearerVerifier } from './bearer/verifier.js'
import { normalizeIssuer, type BearerIssuerOptions } from './bearer/options.js'
import { isAuthError, MissingCredentialsError, type AuthError } from './errors.js'
import {
  checkAuthenticatorOptions,
  type AuthenticatorOptions,
} from './config/authenticator-options.js'
import { createPrefetch } from './prefetch.js'
import { invalidToken } from './bearer/jws.js'
import { setPrincipalChallenge, type Principal } from './principal.js'
import { normalizeBasic } from './basic/options.js'
import { createBasicVerifier, type HeaderSink } from './basic/verifier.js'
import { attribute, normalizeAttribution } from './basic/attribution.js'
import { createResourceMetadata, type ResourceMetadata } from './resource-metadata.js'
import { tokenHeaderOption } from './token-header.js'
import { createInboundEvents } from './telemetry/events.js'
import { assertLogger } from './telemetry/log.js'
import type { Scheme } from './telemetry/metrics.js'
import * as outcome from './telemetry/outcome.js'
import { memoryStore } from './store/memory-store.js'
import { resilientStore, type StoreFallbackEvent } from './store/resilient-store.js'
import { assertStore, type Store } from './store/types.js'
import { createDpopBinding, onlyProof } from './sender/binding.js'
import { publicUrlOption } from './sender/htu.js'
import {
  missingCredentials,
  readCredentials,
  rememberChallengeConfig,
  type AuthRequest,
  type Credentials,
} from './request.js'

export type {
  AuthenticatorOptions,
  BasicOnlyAuthenticatorOptions,
  BearerAuthenticatorOptions,
} from './config/authenticator-options.js'

export interface AuthenticateOptions {
  /** Resolve `undefined` instead of rejecting when the request has no credentials at all. */
  optional?: boolean
  /**
   * Where successful responses get headers: Deprecation/Sunset/Link for Basic, the next
   * `DPoP-Nonce` for DPoP (Node's `res`).
   */
  response?: HeaderSink
  /**
   * The full URL of the request as the framework understands it (its trust-proxy setting
   * applied), read only to check a DPoP proof's `htu`. Adapters pass it; `publicUrl` overrides
   * its origin.
   */
  requestUrl?: () => string
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
   * Fetches every issuer's metadata and signing keys, and loads every till store that can load
   * ahead (`fileTillStore`), now instead of on the first request, so that request is answered
   * without waiting (and, for example, readiness can wait for it). Optional: without it all of
   * this stays lazy. Rejects with an AuthError (503 `ERR_ISSUER_UNAVAILABLE`) naming the issuer
   * that cannot be reached, or with the till store's Error naming the file that cannot be read;
   * the authenticator keeps working and tries again on a later request, as it would have
   * without the call. Resolves at once when there is nothing to fetch.
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
  checkAuthenticatorOptions(options)
  assertLogger(options.logger, 'logger')
  if (options.onStoreFallback !== undefined && typeof options.onStoreFallback !== 'function') {
    throw new TypeError('"onStoreFallback" must be a function')
  }
  const events = createInboundEvents(options.logger, options.onStoreFallback)
  const store = storeOption(options.store, events.storeFallback)
  // Introspection results are shared only through a store the user configured.
  const bearer = bearerVerifier(options, options.store === undefined ? undefined : store)
  const issuerVerifiers = bearer === undefined ? [] : [...new Set(bearer.issuers.values())]
  const publicUrl = publicUrlOption(options.publicUrl)
  const binding = bearer && createDpopBinding(bearer.issuers, store, publicUrl)
  const configs = issuerVerifiers.map((v) => v.config)
  const tokenHeader = tokenHeaderOption(options.tokenHeader, configs)
  const resourceMetadata =
    options.resourceMetadata === undefined
      ? undefined
      : createResourceMetadata(
          options.resourceMetadata,
          configs.map((c) => c.issuer),
        )
  const basicConfig =
    options.basic === undefined
      ? undefined
      : normalizeBasic(options.basic, store, options.store !== undefined, events.lockedOut)
  if (bearer === undefined && basicConfig?.mode === 'deny') {
    throw new TypeError('"basic.mode" is "deny" and no "bearer" is configured: nothing is accepted')
  }
  const basic = basicConfig && createBasicVerifier(basicConfig)
  const attribution = normalizeAttribution(options.attribution, basicConfig?.tills)
  // RFC 7617 §2 / RFC 7235 §4.1: where Basic is accepted, 401s offer both challenges.
  // RFC 9449 §7.1: where DPoP is accepted, a DPoP challenge names the proof algorithms.
  const challengeConfig: ChallengeConfig = Object.freeze({
    bearer: binding?.bearerAccepted === true,
    realm: bearer === undefined ? undefined : realm(options.realm),
    basicRealm: basicConfig?.mode === 'deny' ? undefined : basicConfig?.realm,
    resourceMetadata: resourceMetadata?.url,
    dpopAlgorithms: binding?.algorithms,
  })
  // Refusals of a DPoP request carry their error on the DPoP challenge.
  const dpopChallengeConfig = Object.freeze({ ...challengeConfig, errorScheme: 'DPoP' as const })
  const afterBearer = (
    principal: Principal,
    request: AuthRequest,
  ): Principal | Promise<Principal> => {
    binding!.checkBearer(principal, request)
    return attribution === undefined ? principal : attribute(principal, request, attribution)
  }

  const dispatch = (
    credentials: Credentials,
    request: AuthRequest,
    options: AuthenticateOptions | undefined,
  ): Principal | Promise<Principal> => {
    switch (credentials.scheme) {
      case 'bearer': {
        if (bearer === undefined) throw bearerNotAccepted()
        const principal = bearer.verifyNow(credentials.token)
        return principal instanceof Promise
          ? principal.then((p) => afterBearer(p, request))
          : afterBearer(principal, request)
      }
      case 'dpop': {
        if (binding?.algorithms === undefined) throw schemeDisabled()
        const proof = onlyProof(request)
        const at = { request, requestUrl: options?.requestUrl, response: options?.response }
        const token = credentials.token
        const bound = Promise.resolve(bearer!.verifyNow(token)).then((p) =>
          binding.checkDpop(p, token, proof, at),
        )
        return attribution === undefined
          ? bound
          : bound.then((p) => attribute(p, request, attribution))
      }
      case 'basic':
        if (basic) return basic.verify(credentials.value, request, options?.response)
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
  const refused = (error: unknown, scheme: Scheme, since: number): never => {
    const final = finalError(error)
    outcome.refused(scheme, final, since, events)
    throw final.withConfig(scheme === 'dpop' ? dpopChallengeConfig : challengeConfig)
  }

  function authenticateNow(
    request: AuthRequest,
    options?: AuthenticateOptions,
  ): Principal | undefined | Promise<Principal | undefined> {
    const since = outcome.started()
    let scheme: Scheme = 'none'
    let result: Principal | Promise<Principal>
    try {
      const credentials = readCredentials(request, tokenHeader, false)
      if (credentials === undefined) {
        if (options?.optional !== true) throw missingCredentials(request, challengeConfig)
        rememberChallengeConfig(request, challengeConfig)
        return undefined
      }
      if (credentials.scheme !== 'other') scheme = credentials.scheme
      result = dispatch(credentials, request, options)
    } catch (error) {
      return refused(error, scheme, since)
    }
    if (!(result instanceof Promise)) {
      outcome.allowed(result.scheme, since)
      return accepted(result)
    }
    const pendingScheme = scheme
    return result.then(
      (principal) => {
        outcome.allowed(pendingScheme === 'dpop' ? 'dpop' : principal.scheme, since)
        return accepted(principal)
      },
      (error: unknown) => refused(error, pendingScheme, since),
    )
  }

  function authenticate(
    request: AuthRequest,
    options?: AuthenticateOptions,
  ): Promise<Principal | undefined> {
    // A refusal thrown now becomes this promise's rejection.
    return new Promise((resolve) => resolve(authenticateNow(request, options)))
  }

  return {
    authenticate: authenticate as Authenticator['authenticate'],
    authenticateNow,
    prefetch: createPrefetch(issuerVerifiers, [basicConfig?.tills, attribution?.tills]),
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

/** RFC 7235 §4.1: the 401 challenges with Basic alone, so the client knows what to send. */
function bearerNotAccepted(): AuthError {
  return new MissingCredentialsError({
    code: 'ERR_SCHEME_DISABLED',
    description: 'Bearer tokens are not accepted here (no token issuer is configured); use Basic',
  })
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

function storeOption(value: unknown, onFallback: (event: StoreFallbackEvent) => void): Store {
  if (value === undefined) return memoryStore()
  assertStore(value, 'store')
  return resilientStore(value, { onFallback })
}
