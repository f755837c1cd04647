import { scrub } from '../telemetry/log.js'
import type { TokenErrorCode } from './errors.js'

/** Which token an event is about. Never the token, never a secret. */
export interface TokenSubject {
  readonly endpoint: string
  readonly clientId: string
  readonly scope: string
  readonly audience: string | undefined
  readonly resource: string | undefined
}

export interface TokenFetchedEvent extends TokenSubject {
  readonly durationMs: number
  readonly attempts: number
  /** Seconds the new token lives. */
  readonly expiresIn: number
  /** A refresh ahead of expiry, while callers were served the previous token. */
  readonly background: boolean
}

export interface CacheHitEvent extends TokenSubject {
  /** Seconds left before the served token expires. */
  readonly expiresIn: number
}

export interface RetryEvent extends TokenSubject {
  /** The attempt that failed (1 = first). */
  readonly attempt: number
  readonly delayMs: number
  readonly code: TokenErrorCode
  readonly reason: string
}

export interface TokenFailureEvent extends TokenSubject {
  readonly code: TokenErrorCode
  readonly reason: string
  readonly attempts: number
}

/** Callbacks for metrics and logs. A hook that throws is ignored; it never breaks a token request. */
export interface TokenClientHooks {
  tokenFetched?: (event: TokenFetchedEvent) => void
  cacheHit?: (event: CacheHitEvent) => void
  retry?: (event: RetryEvent) => void
  /** A background refresh failed; callers keep the still-valid token. */
  refreshFailed?: (event: TokenFailureEvent) => void
  /** A token request failed with no valid token to serve; `getToken()` rejects. */
  requestFailed?: (event: TokenFailureEvent) => void
}

export function emit<E>(hook: ((event: E) => void) | undefined, event: () => E): void {
  if (hook === undefined) return
  try {
    hook(event())
  } catch {
    // A metrics or logging bug must not take token fetching down with it.
  }
}

/**
 * Hooks that write one line per event, e.g. `logHooks((line) => logger.info(line))`. Every line
 * passes through the same scrubbing as the authenticator's own log lines.
 */
export function logHooks(sink: (line: string) => void): TokenClientHooks {
  const write = (line: string): void => sink(scrub(line))
  const about = (e: TokenSubject): string =>
    `client=${e.clientId} endpoint=${e.endpoint} scope="${e.scope}"` +
    (e.audience === undefined ? '' : ` audience=${e.audience}`) +
    (e.resource === undefined ? '' : ` resource=${e.resource}`)
  return {
    tokenFetched: (e) =>
      write(
        `m2m-auth: token fetched ${about(e)} expires_in=${e.expiresIn}s attempts=${e.attempts} ms=${e.durationMs}${e.background ? ' (refresh ahead)' : ''}`,
      ),
    cacheHit: (e) =>
      write(`m2m-auth: token served from cache ${about(e)} expires_in=${e.expiresIn}s`),
    retry: (e) =>
      write(
        `m2m-auth: token request retry ${about(e)} attempt=${e.attempt} delay_ms=${e.delayMs} code=${e.code} reason="${e.reason}"`,
      ),
    refreshFailed: (e) =>
      write(
        `m2m-auth: token refresh failed, still serving the valid token ${about(e)} code=${e.code} reason="${e.reason}"`,
      ),
    requestFailed: (e) =>
      write(
        `m2m-auth: token request failed ${about(e)} code=${e.code} attempts=${e.attempts} reason="${e.reason}"`,
      ),
  }
}
