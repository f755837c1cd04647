import {
  challengesFor,
  renderChallenges,
  type Challenge,
  type ChallengeConfig,
} from './challenge.js'

/**
 * RFC 6750 §3.1 error codes, RFC 6749's `temporarily_unavailable` for outages, and RFC 9449
 * §7.1 / §9's `invalid_dpop_proof` and `use_dpop_nonce`.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'

/** Stable machine-readable reasons; safe to log, switch on, and count. */
export type AuthErrorCode =
  | 'ERR_CREDENTIALS_MISSING'
  | 'ERR_REQUEST_MALFORMED'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_ALGORITHM'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_KEY_UNKNOWN'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_TOKEN_INACTIVE'
  | 'ERR_TOKEN_TYPE'
  | 'ERR_CREDENTIALS_INVALID'
  | 'ERR_TILL_LOCKED'
  | 'ERR_TILL_MIGRATED'
  | 'ERR_TILL_DISABLED'
  | 'ERR_TILL_STORE_UNAVAILABLE'
  | 'ERR_SCHEME_DISABLED'
  | 'ERR_SCOPE_INSUFFICIENT'
  | 'ERR_ATTRIBUTION_FORBIDDEN'
  | 'ERR_ATTRIBUTION_INVALID'
  | 'ERR_ISSUER_UNAVAILABLE'
  | 'ERR_TOKEN_BINDING'
  | 'ERR_DPOP_REQUIRED'
  | 'ERR_DPOP_PROOF_MISSING'
  | 'ERR_DPOP_PROOF_INVALID'
  | 'ERR_DPOP_PROOF_REPLAYED'
  | 'ERR_DPOP_NONCE'

export interface ErrorBody {
  error: OAuthErrorCode | 'unauthorized'
  error_description: string
}

export interface AuthErrorInit {
  code: AuthErrorCode
  description: string
  /** For `insufficient_scope`: the scopes the resource needs (RFC 6750 §3). */
  scope?: string
  /** Extra response headers, such as `Retry-After` on a 503. */
  headers?: Readonly<Record<string, string>>
  cause?: unknown
}

/**
 * The only error `authenticate()` rejects with. Carries `status`, `statusCode`, `expose` and
 * `headers`, so Express's finalhandler, Koa's `onerror` and Fastify render it without help.
 * `message` is the short, client-safe `error_description`; `cause` stays server-side.
 */
export abstract class AuthError extends Error {
  abstract readonly status: 400 | 401 | 403 | 503
  /** RFC 6750 `error`, or undefined when the client simply sent no credentials (§3.1). */
  abstract readonly error: OAuthErrorCode | undefined
  readonly code: AuthErrorCode
  readonly expose = true
  readonly scope: string | undefined
  readonly #init: AuthErrorInit
  #headers: Readonly<Record<string, string>> | undefined
  #config: ChallengeConfig

  constructor(init: AuthErrorInit, config: ChallengeConfig = {}) {
    super(init.description, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = new.target.name
    this.code = init.code
    this.scope = init.scope
    this.#init = init
    this.#config = config
  }

  /** Response headers, `WWW-Authenticate` included; rendered on first use. */
  get headers(): Readonly<Record<string, string>> {
    return (this.#headers ??= Object.freeze(
      withChallenge(this.#init.headers ?? {}, challengesFor(this, this.#config)),
    ))
  }

  /** The same error, challenging with the realm and schemes of the authenticator that saw it. */
  withConfig(config: ChallengeConfig): AuthError {
    const Self = this.constructor as new (init: AuthErrorInit, config: ChallengeConfig) => AuthError
    return new Self(this.#init, config)
  }

  get statusCode(): number {
    return this.status
  }

  get description(): string {
    return this.message
  }

  /** The small JSON body every adapter sends: no stack, no token, no secret. */
  toJSON(): ErrorBody {
    return { error: this.error ?? 'unauthorized', error_description: this.message }
  }
}

function withChallenge(
  headers: Readonly<Record<string, string>>,
  challenges: readonly Challenge[],
): Record<string, string> {
  if (challenges.length === 0) return { ...headers }
  return { 'WWW-Authenticate': renderChallenges(challenges), ...headers }
}

/** 400: the request itself is malformed (RFC 6750 §3.1 `invalid_request`). */
export class InvalidRequestError extends AuthError {
  readonly status = 400
  readonly error = 'invalid_request'
}

/** 401 without an error code: the request carried no credentials (RFC 6750 §3.1). */
export class MissingCredentialsError extends AuthError {
  readonly status = 401
  readonly error = undefined
}

/** 401: the token or till credentials are not acceptable (RFC 6750 `invalid_token`). */
export class InvalidTokenError extends AuthError {
  readonly status = 401
  readonly error = 'invalid_token'
}

/** 401: the DPoP proof is missing or not acceptable (RFC 9449 §7.1 `invalid_dpop_proof`). */
export class InvalidDpopProofError extends AuthError {
  readonly status = 401
  readonly error = 'invalid_dpop_proof'
}

/** 401: the DPoP proof lacks the server's current nonce (RFC 9449 §9 `use_dpop_nonce`). */
export class UseDpopNonceError extends AuthError {
  readonly status = 401
  readonly error = 'use_dpop_nonce'
}

/** 403: authenticated, but the route needs scopes the caller lacks (RFC 6750 §3.1). */
export class InsufficientScopeError extends AuthError {
  readonly status = 403
  readonly error = 'insufficient_scope'
}

/** 503: a key source or introspection endpoint is unreachable and nothing usable is cached. */
export class IssuerUnavailableError extends AuthError {
  readonly status = 503
  readonly error = 'temporarily_unavailable'
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError
}
