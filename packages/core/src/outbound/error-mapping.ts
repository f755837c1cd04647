import * as client from 'openid-client'
import { describeFailure, TokenRequestError } from './errors.js'
import type { Redactor } from './redact.js'

/**
 * The one place third-party failures become TokenRequestErrors, by error code. Only secret-free
 * summaries survive (RFC 6749 §5.2 `error` and `error_description`, HTTP status, network error
 * codes), each through the client's redactor; the original error object is not kept.
 */
export function toTokenError(error: unknown, what: string, redact: Redactor): TokenRequestError {
  if (error instanceof TokenRequestError) return error
  if (error instanceof client.ResponseBodyError) {
    return httpFailure(error.status, error.response.headers, what, redact, {
      error: error.error,
      description: error.error_description,
    })
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    // RFC 6750 §3 style: the error travels in the challenge, not the body.
    const challenge = error.cause.find((c) => c.parameters.error !== undefined)
    return httpFailure(error.status, error.response.headers, what, redact, {
      error: challenge?.parameters.error,
      description: challenge?.parameters.error_description,
    })
  }
  if (error instanceof client.ClientError) {
    // A non-2xx answer without an OAuth error body (RESPONSE_IS_NOT_CONFORM / _NOT_JSON).
    if (error.cause instanceof Response && !error.cause.ok)
      return httpFailure(error.cause.status, error.cause.headers, what, redact)
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT')
      return unreachable(what, 'timed out', redact)
    return new TokenRequestError({
      code: 'ERR_TOKEN_RESPONSE_INVALID',
      message: redact(`the ${what} answered with an invalid response: ${describeFailure(error)}`),
    })
  }
  // openid-client's own argument checks are programming errors: not an outage, not retried.
  if (
    error instanceof TypeError &&
    /^ERR_INVALID_ARG/.test(String((error as { code?: unknown }).code))
  )
    throw error
  // fetch() rejects with a TypeError ("fetch failed") whose cause names the socket error.
  return unreachable(what, describeFailure(error), redact)
}

export function unreachable(what: string, detail: string, redact: Redactor): TokenRequestError {
  return new TokenRequestError({
    code: 'ERR_ISSUER_UNREACHABLE',
    message: redact(`issuer unreachable: the ${what} could not be reached (${detail})`),
  })
}

/** A non-2xx answer: 429 and 5xx are worth retrying, the rest is the issuer saying no. */
export function httpFailure(
  status: number,
  headers: Headers,
  what: string,
  redact: Redactor,
  body: { error?: string | undefined; description?: string | undefined } = {},
): TokenRequestError {
  // An issuer's text is bounded before it is redacted (the redactor's work grows with it) and
  // the message is cut well below that bound after, so a secret split by the first cut is gone.
  const error = body.error?.slice(0, ISSUER_TEXT_LIMIT)
  const description = body.description?.slice(0, ISSUER_TEXT_LIMIT)
  const oauth = error === undefined ? '' : `: ${error}${description ? ` (${description})` : ''}`
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'))
    const busy = status === 429 ? 'is rate limiting us' : 'is unavailable'
    return new TokenRequestError({
      code: 'ERR_ISSUER_UNAVAILABLE',
      message: bounded(redact(`issuer ${busy}: the ${what} answered HTTP ${status}${oauth}`)),
      httpStatus: status,
      oauthError: oauthErrorCode(body.error, redact),
      retryAfterMs,
    })
  }
  return new TokenRequestError({
    code: 'ERR_TOKEN_REJECTED',
    message: bounded(
      redact(
        `the ${what} refused the request with HTTP ${status}${oauth || ' and no OAuth error'}`,
      ),
    ),
    httpStatus: status,
    oauthError: oauthErrorCode(body.error, redact),
  })
}

const ISSUER_TEXT_LIMIT = 2048
const MESSAGE_LIMIT = 600

function bounded(message: string): string {
  return message.length <= MESSAGE_LIMIT ? message : `${message.slice(0, MESSAGE_LIMIT)}…`
}

/**
 * `oauthError` is an own property that serializers print: only an RFC 6749 §5.2 error code
 * (NQSCHAR, short) that the redactor leaves whole is kept; anything else an issuer sent there
 * (an echoed header, say) is dropped.
 */
function oauthErrorCode(error: string | undefined, redact: Redactor): string | undefined {
  if (error === undefined || !/^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(error)) return undefined
  return redact(error) === error ? error : undefined
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
