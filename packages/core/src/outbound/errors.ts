/** Stable reasons a token could not be obtained; safe to log, switch on and count. */
export type TokenErrorCode =
  /** No HTTP answer: connection refused or reset, DNS failure, timeout. */
  | 'ERR_ISSUER_UNREACHABLE'
  /** The issuer answered 5xx or 429 on every attempt. */
  | 'ERR_ISSUER_UNAVAILABLE'
  /** Discovery found no usable token endpoint. */
  | 'ERR_DISCOVERY_FAILED'
  /** The issuer refused the request (RFC 6749 §5.2: invalid_client, invalid_scope, ...). */
  | 'ERR_TOKEN_REJECTED'
  /** The issuer answered 2xx with something that is not a token response. */
  | 'ERR_TOKEN_RESPONSE_INVALID'

export interface TokenRequestErrorInit {
  code: TokenErrorCode
  message: string
  /** The RFC 6749 §5.2 `error` the issuer returned, if any. */
  oauthError?: string
  /** The token endpoint's HTTP status, if it answered. */
  httpStatus?: number
  /** Milliseconds the issuer asked us to wait (`Retry-After`, RFC 9110 §10.2.3). */
  retryAfterMs?: number
  cause?: unknown
}

/**
 * Why `getToken()` failed. The message names what happened and where, never a secret: every
 * text that reaches it went through the client's redactor, and `cause` is a plain summary,
 * not the third-party error (which may hold request state).
 */
export class TokenRequestError extends Error {
  readonly code: TokenErrorCode
  readonly oauthError: string | undefined
  readonly httpStatus: number | undefined
  readonly retryAfterMs: number | undefined
  /** Worth another attempt later: the issuer was unreachable or overloaded. */
  readonly retryable: boolean
  /** Attempts made before giving up (set by the retry loop). */
  attempts = 1

  constructor(init: TokenRequestErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'TokenRequestError'
    this.code = init.code
    this.oauthError = init.oauthError
    this.httpStatus = init.httpStatus
    this.retryAfterMs = init.retryAfterMs
    this.retryable =
      init.code === 'ERR_ISSUER_UNREACHABLE' || init.code === 'ERR_ISSUER_UNAVAILABLE'
  }
}

export function isTokenRequestError(value: unknown): value is TokenRequestError {
  return value instanceof TokenRequestError
}

/** A short, secret-free description of a low-level failure: message and error codes only. */
export function describeFailure(error: unknown): string {
  const parts: string[] = []
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    parts.push(typeof code === 'string' ? `${e.message} (${code})` : e.message)
  }
  return parts.length > 0 ? parts.join(': ') : String(error)
}
