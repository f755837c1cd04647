import { createHash } from 'node:crypto'
import { TtlCache } from '../cache/ttl-cache.js'
import type { AuthError } from '../errors.js'
import type { Store } from '../store/types.js'
import { tillLockedOut } from './errors.js'

/** When a till is locked out. */
export interface LockoutPolicy {
  /** Failed and in-flight attempts within `windowMs` that lock a till. Default 10. */
  readonly maxFailures: number
  /** Window over which attempts are counted. Default 10 minutes. */
  readonly windowMs: number
  /** How long a locked till is refused. Default 15 minutes. */
  readonly coolDownMs: number
}

export const DEFAULT_LOCKOUT: LockoutPolicy = Object.freeze({
  maxFailures: 10,
  windowMs: 10 * 60_000,
  coolDownMs: 15 * 60_000,
})

/** One reserved attempt: settle it exactly once, with what the expensive check found. */
export interface Attempt {
  /** The secret was right: the reservation goes back and earlier failures are forgotten. */
  succeeded(): Promise<void>
  /** The secret was wrong (or the till unknown): it counts as a failure. */
  failed(): Promise<void>
  /**
   * Nothing was proven here (the till store failed, or another replica's success was reused):
   * the reservation goes back, and the failures stay.
   */
  abandoned(): Promise<void>
}

export interface Lockout {
  /**
   * Reserves an attempt for `tillId` before the expensive check, or throws `ERR_TILL_LOCKED`.
   * Reserving first is the point: a check that only looked at recorded failures would let a
   * burst of guesses through before the first of them was recorded.
   */
  reserve(tillId: string): Promise<Attempt>
  /**
   * The time a lock this process has seen ends, or 0: read without the store, so a cached
   * success is refused while its till is locked (else the cache would answer a guesser's right
   * guess during the lock) and a reused till still costs no round trip.
   */
  lockedHere(tillId: string, now: number): number
}

/** A refusal while attempts are only in flight: they settle within a scrypt or two. */
const BUSY_RETRY_MS = 1000
/**
 * How long an in-flight reservation can outlive its attempt: a replica that died, or a store
 * that answered the reservation but not its settlement (a fallback mid-check), strands it for
 * this long at most, not for a whole window.
 */
const INFLIGHT_TTL_MS = 30_000

/**
 * Till lockout over any `Store`, so replicas that share one count together. Per till id (known
 * or not, so lockout says nothing about which ids exist) three keys:
 * - `inflight`: attempts being checked now (short TTL). An attempt is admitted only while
 *   in-flight plus failed attempts stay within `maxFailures`.
 * - `fails`: failures in the window; the one that reaches `maxFailures` sets the lock.
 * - `lock`: the time the till is locked until. Only its expiry ends it; a success never clears
 *   it, not even one that was admitted before the lock was set.
 * Every step is one atomic store call on one key (one Redis Cluster slot each). Counts are read
 * after the reservation and the failure is added before its reservation goes back, so an
 * interleaving can only over-count (refuse), never admit one attempt too many.
 */
export function createLockout(
  policy: LockoutPolicy,
  store: Store,
  onLockedOut: (tillId: string, failures: number, until: number) => void = () => undefined,
): Lockout {
  const { maxFailures, windowMs, coolDownMs } = policy
  const seen = new TtlCache<number>({ maxEntries: 10_000, maxBytes: 10_000 * 256 })
  const remember = (tillId: string, until: number): void =>
    seen.set(tillId, until, until, tillId.length * 2 + 64)

  const release = (keys: LockoutKeys): Promise<number> =>
    store.increment(keys.inflight, -1, INFLIGHT_TTL_MS)

  const failed = async (keys: LockoutKeys, tillId: string): Promise<void> => {
    const fails = await store.increment(keys.fails, 1, windowMs)
    await release(keys)
    if (fails < maxFailures) return
    const until = Date.now() + coolDownMs
    await store.set(keys.lock, String(until), coolDownMs)
    remember(tillId, until)
    onLockedOut(tillId, fails, until)
    // The lock refuses everyone now; the failures it was earned with start again behind it.
    await store.increment(keys.fails, -fails, windowMs)
  }

  const succeeded = async (keys: LockoutKeys): Promise<void> => {
    await release(keys)
    // A proven secret forgets the failures before it, never the lock.
    const fails = Number((await store.get(keys.fails)) ?? 0)
    if (fails > 0) await store.increment(keys.fails, -fails, windowMs)
  }

  const refuseIfLocked = async (keys: LockoutKeys, tillId: string): Promise<void> => {
    const until = Number((await store.get(keys.lock)) ?? 0)
    if (!(until > Date.now())) return
    remember(tillId, until)
    throw locked(until)
  }

  const admit = async (keys: LockoutKeys, tillId: string, inflight: number): Promise<void> => {
    // After reserving: the lock again (one set, and its counts reset, between the first read
    // and the increment must not admit this attempt on a fresh count), then the failures.
    await refuseIfLocked(keys, tillId)
    const fails = Number((await store.get(keys.fails)) ?? 0)
    if (inflight + fails > maxFailures) throw locked(Date.now() + BUSY_RETRY_MS)
  }

  return {
    async reserve(tillId) {
      const keys = lockoutKeys(tillId)
      await refuseIfLocked(keys, tillId) // the cheap refusal while locked: one read
      const inflight = await store.increment(keys.inflight, 1, INFLIGHT_TTL_MS)
      try {
        await admit(keys, tillId, inflight)
      } catch (error) {
        await release(keys)
        throw error
      }
      let settled = false
      const once =
        (settle: (keys: LockoutKeys, tillId: string) => Promise<unknown>) =>
        async (): Promise<void> => {
          if (settled) return
          settled = true
          await settle(keys, tillId)
        }
      return {
        succeeded: once(succeeded),
        failed: once(failed),
        abandoned: once(release),
      }
    },
    lockedHere(tillId, now) {
      return seen.get(tillId, now) ?? 0
    },
  }
}

function locked(until: number): AuthError {
  return tillLockedOut(until, Date.now())
}

export interface LockoutKeys {
  readonly inflight: string
  readonly fails: string
  readonly lock: string
}

/**
 * Keys for one till id: hashed, so an id of any length or alphabet makes a short key, and
 * tagged (`{…}`) so all three live in one Redis Cluster slot.
 */
export function lockoutKeys(tillId: string): LockoutKeys {
  const tag = createHash('sha256').update(tillId).digest('base64url').slice(0, 22)
  return {
    inflight: `lockout:{${tag}}:inflight`,
    fails: `lockout:{${tag}}:fails`,
    lock: `lockout:{${tag}}:lock`,
  }
}
