import type { TokenClientConfig } from './options.js'

export interface Schedule {
  /** From here on the token is refreshed in the background while still served. */
  readonly refreshAt: number
  /** From here on the token is never served (expiry minus leeway). */
  readonly usableUntil: number
}

/**
 * When to refresh a token that lives `lifetime` ms from `sentAt`: the lead is
 * `min(max(minMs, ratio × lifetime), maxMs)` (10 s, 20 %, 300 s by default) plus up to
 * `jitter` of itself, so replicas holding the same client do not refresh in lockstep. Both
 * the lead and the expiry leeway are capped by the lifetime (half and a quarter), so a very
 * short-lived token is still used, instead of being refreshed on every call.
 */
export function schedule(
  config: Pick<TokenClientConfig, 'refreshAhead' | 'expiryLeewayMs'>,
  sentAt: number,
  lifetime: number,
): Schedule {
  const { minMs, ratio, maxMs, jitter } = config.refreshAhead
  const expiresAt = sentAt + lifetime
  const usableUntil = expiresAt - Math.min(config.expiryLeewayMs, lifetime / 4)
  const lead = Math.min(Math.max(minMs, ratio * lifetime), maxMs) * (1 + jitter * Math.random())
  return { refreshAt: Math.min(expiresAt - Math.min(lead, lifetime / 2), usableUntil), usableUntil }
}

/**
 * After a refresh that failed, or that brought back the token we already hold (some issuers
 * hand out the same token until shortly before it expires), try again halfway to the end of
 * its use, and not sooner than a second: a bounded number of attempts, never a refresh loop.
 */
export function retrySchedule(now: number, usableUntil: number): number {
  return Math.min(now + Math.max(1_000, (usableUntil - now) / 2), usableUntil)
}
