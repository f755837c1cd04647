import { setTimeout as delay } from 'node:timers/promises'
import { TokenRequestError } from './errors.js'
import type { TokenClientConfig } from './options.js'

export interface RetryNotice {
  /** The attempt that failed (1 = first). */
  attempt: number
  delayMs: number
  error: TokenRequestError
}

/**
 * Runs `attempt` until it succeeds, retrying what is worth retrying: no answer, 5xx and 429
 * (RFC 6585 §4), with exponential backoff and full jitter, waiting at least as long as a
 * `Retry-After` asks (RFC 9110 §10.2.3). A refusal (400 invalid_scope, 401 invalid_client)
 * is final: asking again with the same credentials cannot help and may lock the client out.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: TokenClientConfig['retry'],
  onRetry: (notice: RetryNotice) => void,
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(), attempts: n }
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error
      const wait = retryDelay(error, n, policy)
      if (wait === undefined) throw finalError(error, n)
      onRetry({ attempt: n, delayMs: wait, error })
      await delay(wait)
    }
  }
}

function retryDelay(
  error: TokenRequestError,
  attempt: number,
  policy: TokenClientConfig['retry'],
): number | undefined {
  if (!error.retryable || attempt > policy.retries) return undefined
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  const backoff = Math.round(Math.random() * cap)
  if (error.retryAfterMs === undefined) return backoff
  if (error.retryAfterMs > policy.maxRetryAfterMs) return undefined
  return Math.max(error.retryAfterMs, backoff)
}

function finalError(error: TokenRequestError, attempts: number): TokenRequestError {
  if (attempts === 1) return error
  const final = new TokenRequestError({
    code: error.code,
    message: `${error.message} (gave up after ${attempts} attempts)`,
    oauthError: error.oauthError,
    httpStatus: error.httpStatus,
    retryAfterMs: error.retryAfterMs,
  })
  final.attempts = attempts
  return final
}
