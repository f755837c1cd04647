import * as oauth from 'oauth4webapi'
import type { AuthError } from '../errors.js'
import { issuerUnavailable } from '../http/fetch-json.js'
import { describeFailure } from '../outbound/errors.js'
import type { Redactor } from '../outbound/redact.js'

/** Issuer-supplied text kept for the logs, after redaction. */
const MAX_DETAIL = 300

/**
 * The one place a failed introspection call becomes an AuthError: a 503 (RFC 6750 §3.1 has no
 * code for "the issuer refused *us*"; to the caller it is an outage). Only a secret-free summary
 * survives, as the `cause` message: the HTTP status, the RFC 6749 §5.2 `error` and
 * `error_description` or the challenge's, the network error — redacted, because an endpoint may
 * echo our `Authorization` header or form body back. oauth4webapi's error object, which holds
 * the response and its parsed body, is not kept.
 */
export function introspectionFailure(error: unknown, redact: Redactor): AuthError {
  return unavailable(`introspection failed: ${summarize(error)}`, redact)
}

/** A 503 whose cause is `detail`, redacted (it may quote an endpoint URL or issuer text). */
export function unavailable(detail: string, redact: Redactor, retryAfterS?: number): AuthError {
  return issuerUnavailable(redact(detail).slice(0, MAX_DETAIL), undefined, retryAfterS)
}

function summarize(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) {
    return `HTTP ${error.status}${oauthError(error.error, error.error_description)}`
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = error.cause.find((c) => c.parameters.error !== undefined) ?? error.cause[0]
    const { error: code, error_description: description } = challenge?.parameters ?? {}
    return `HTTP ${error.status}, ${challenge?.scheme ?? 'a'} challenge${oauthError(code, description)}`
  }
  if (error instanceof oauth.OperationProcessingError) {
    // Its cause is the Response (an unexpected status) or the parsed body: neither is quoted.
    if (error.cause instanceof Response) {
      // The body was not read: release the connection.
      error.cause.body?.cancel().catch(() => undefined)
      return `HTTP ${error.cause.status} (${error.code})`
    }
    return `${error.message} (${String(error.code)})`
  }
  return describeFailure(error)
}

function oauthError(code: string | undefined, description: string | undefined): string {
  if (code === undefined) return ''
  return description === undefined ? `: ${code}` : `: ${code} (${description})`
}
