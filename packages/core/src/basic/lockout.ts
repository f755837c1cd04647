import { createHash } from 'node:crypto'
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
  /** The secret was wrong (or the till unknown): the reservation stays, as a failure. */
  failed(): Promise<void>
  /** Nothing was checked (the till store failed): the reservation goes back, nothing else. */
  abandoned(): Promise<void>
}

export interface Lockout {
  /**
   * Reserves an attempt for `tillId` before the expensive check, or throws `ERR_TILL_LOCKED`.
   * Reserving first is the point: a check that only looked at recorded failures would let a
   * burst of guesses through before the first of them was recorded.
   */
  reserve(tillId: string): Promise<Attempt>
}

/** A refusal while attempts are only in flight: they settle within a scrypt or two. */
const BUSY_RETRY_MS = 1000

/**
 * Till lockout over any `Store`, so replicas that share one count together. Per till id (known
 * or not, so lockout says nothing about which ids exist) three keys:
 * - `tries`: in-flight plus failed attempts in the window. An attempt is admitted only while it
 *   stays within `maxFailures`; a success gives its reservation back, a failure keeps it.
 * - `fails`: failures in the window; the one that reaches `maxFailures` sets the lock.
 * - `lock`: the time the till is locked until. Only its expiry ends it; a success never clears
 *   it, not even one that was admitted before the lock was set.
 * Every step is one atomic store call; none needs two keys at once (a Redis Cluster slot each).
 */
export function createLockout(
  policy: LockoutPolicy,
  store: Store,
  onLockedOut: (tillId: string, failures: number, until: number) => void = () => undefined,
): Lockout {
  const { maxFailures, windowMs, coolDownMs } = policy

  const failed = async (keys: LockoutKeys, tillId: string): Promise<void> => {
    const fails = await store.increment(keys.fails, 1, windowMs)
    if (fails < maxFailures) return
    const until = Date.now() + coolDownMs
    await store.set(keys.lock, String(until), coolDownMs)
    onLockedOut(tillId, fails, until)
    // The lock refuses everyone now; the counts it was earned with start again behind it.
    await store.increment(keys.fails, -fails, windowMs)
    await store.increment(keys.tries, -fails, windowMs)
  }

  const abandoned = async (keys: LockoutKeys): Promise<void> => {
    await store.increment(keys.tries, -1, windowMs)
  }

  const succeeded = async (keys: LockoutKeys): Promise<void> => {
    await abandoned(keys)
    // A proven secret forgets the failures before it (their reservations too), never the lock.
    const fails = Number((await store.get(keys.fails)) ?? 0)
    if (!(fails > 0)) return
    await store.increment(keys.fails, -fails, windowMs)
    await store.increment(keys.tries, -fails, windowMs)
  }

  return {
    async reserve(tillId) {
      const keys = lockoutKeys(tillId)
      await refuseIfLocked(store, keys) // the cheap refusal while locked: one read
      const tries = await store.increment(keys.tries, 1, windowMs)
      if (tries > maxFailures) {
        await store.increment(keys.tries, -1, windowMs)
        throw locked(Date.now() + BUSY_RETRY_MS)
      }
      // Again after reserving: a lock set (and its counts reset) between the first read and the
      // increment would otherwise admit this attempt on a fresh count.
      try {
        await refuseIfLocked(store, keys)
      } catch (error) {
        await store.increment(keys.tries, -1, windowMs)
        throw error
      }
      let settled = false
      const once =
        (settle: (keys: LockoutKeys, tillId: string) => Promise<void>) => (): Promise<void> => {
          if (settled) return Promise.resolve()
          settled = true
          return settle(keys, tillId)
        }
      return {
        succeeded: once(succeeded),
        failed: once(failed),
        abandoned: once(abandoned),
      }
    },
  }
}

async function refuseIfLocked(store: Store, keys: LockoutKeys): Promise<void> {
  const until = Number((await store.get(keys.lock)) ?? 0)
  if (until > Date.now()) throw locked(until)
}

function locked(until: number): AuthError {
  return tillLockedOut(until, Date.now())
}

export interface LockoutKeys {
  readonly tries: string
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
    tries: `lockout:{${tag}}:tries`,
    fails: `lockout:{${tag}}:fails`,
    lock: `lockout:{${tag}}:lock`,
  }
}
