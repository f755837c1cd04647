import { TtlCache } from '../cache/ttl-cache.js'

/** When a till is locked out. */
export interface LockoutPolicy {
  /** Failures within `windowMs` that lock a till. Default 10. */
  readonly maxFailures: number
  /** Window over which failures are counted. Default 10 minutes. */
  readonly windowMs: number
  /** How long a locked till is refused. Default 15 minutes. */
  readonly coolDownMs: number
}

export const DEFAULT_LOCKOUT: LockoutPolicy = Object.freeze({
  maxFailures: 10,
  windowMs: 10 * 60_000,
  coolDownMs: 15 * 60_000,
})

/**
 * Failure counts per till id. Pluggable so replicas can share counts (a Redis INCR with
 * expiry fits this shape); methods may answer synchronously or with a promise.
 */
export interface AttemptStore {
  /** Epoch ms until which `key` is locked out; 0 (or any past time) when it is not. */
  lockedUntil(key: string, now: number): number | Promise<number>
  /** Records a failure; returns the epoch ms the key is now locked until, or 0. */
  recordFailure(key: string, now: number, policy: LockoutPolicy): number | Promise<number>
  /** Forgets the failures of `key` after a success. */
  reset(key: string): void | Promise<void>
}

interface Attempts {
  failures: number
  windowStart: number
  lockedUntil: number
}

/**
 * The in-memory default. Bounded (an attacker can invent till ids without end): the least
 * recently used counts go first, and every entry expires when its window or cool-down ends.
 */
export function memoryAttemptStore({ maxEntries = 100_000 } = {}): AttemptStore {
  const counts = new TtlCache<Attempts>({ maxEntries, maxBytes: maxEntries * 256 })
  return {
    lockedUntil: (key, now) => counts.get(key, now)?.lockedUntil ?? 0,
    recordFailure(key, now, policy) {
      let entry = counts.get(key, now)
      if (entry === undefined || now - entry.windowStart >= policy.windowMs) {
        entry = { failures: 0, windowStart: now, lockedUntil: 0 }
      }
      entry.failures++
      if (entry.failures >= policy.maxFailures) {
        entry.lockedUntil = now + policy.coolDownMs
        entry.failures = 0
        entry.windowStart = now
      }
      const expiresAt = Math.max(entry.windowStart + policy.windowMs, entry.lockedUntil)
      counts.set(key, entry, expiresAt, key.length * 2 + 64)
      return entry.lockedUntil
    },
    reset: (key) => counts.delete(key),
  }
}
