import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Store } from '../store/types.js'

/** How replicas take turns at the issuer for one token. */
export interface LeasePolicy {
  /** A leader that died mid-call holds the lease at most this long (the request timeout). */
  readonly leaseMs: number
  /** Followers wait this long for the leader's result, then ask the issuer themselves. */
  readonly waitMs: number
  readonly pollMs: number
}

/**
 * Reads the settled result of `key`: resolves it, throws it (a cached refusal), or resolves
 * `undefined` while there is none. Never fails for the store's sake.
 */
export type ReadResult<T> = () => Promise<T | undefined>

/**
 * The cross-replica single flight, behind each replica's own: the replica that takes the lease
 * (set-if-absent with an expiry) asks the issuer and stores the result; the others poll for it.
 * The leader reads once more after taking the lease, because the previous leader may have
 * stored the result and released it between this replica's miss and its turn. A follower that
 * waited `waitMs` in vain asks the issuer itself, and a store that fails makes every replica its
 * own leader: never worse than no store.
 */
export function createLease(
  store: Store,
  policy: LeasePolicy,
): <T>(key: string, read: ReadResult<T>, work: () => Promise<T>) => Promise<T> {
  return async (key, read, work) => {
    const leaseKey = `${key}:lease`
    const owner = randomUUID()
    const deadline = Date.now() + policy.waitMs
    for (;;) {
      if (await acquire(store, leaseKey, owner, policy.leaseMs)) {
        try {
          return (await read()) ?? (await work())
        } finally {
          // Released after the result is stored (work awaits its write), never before.
          void release(store, leaseKey, owner)
        }
      }
      await sleep(policy.pollMs)
      const found = await read()
      if (found !== undefined) return found
      if (Date.now() >= deadline) return work()
    }
  }
}

async function acquire(store: Store, key: string, owner: string, ttlMs: number): Promise<boolean> {
  try {
    return await store.setIfAbsent(key, owner, ttlMs)
  } catch {
    return true
  }
}

async function release(store: Store, key: string, owner: string): Promise<void> {
  try {
    await store.deleteIfEquals(key, owner)
  } catch {
    // It expires by itself within leaseMs.
  }
}
