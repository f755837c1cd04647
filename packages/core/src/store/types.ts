/**
 * The one seam through which replicas share state. It offers primitives only — a counter,
 * get/set, set-if-absent and a compare-and-delete, each with an expiry — and knows nothing of
 * tills, tokens or proofs: every policy stays in core and runs unchanged over any store.
 *
 * Implementations: `memoryStore()` (the default: one process) and `redisStore()` from
 * `@m2m-auth/redis` (a fleet). Each method must be atomic on its own key; core never needs
 * atomicity across keys. Keys come from core already namespaced, with a `{hash tag}`, and
 * never contain a raw token, secret or MD5; values never contain one in the clear either.
 */
export interface Store {
  /**
   * Adds `delta` (may be negative) to the integer at `key` and returns the result, which is
   * never below 0. A key that does not exist counts from 0 and expires `ttlMs` from now; an
   * existing key keeps its expiry (a fixed window).
   */
  increment(key: string, delta: number, ttlMs: number): Promise<number>
  /** The value at `key`, or `undefined` when there is none (or it expired). */
  get(key: string): Promise<string | undefined>
  /** Stores `value` at `key` for `ttlMs`, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>
  /** Stores `value` only when `key` holds nothing; `true` when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>
  /**
   * Deletes `key` only while it still holds `value` (a lease released by its owner, never
   * one that expired and was taken by another); `true` when it deleted.
   */
  deleteIfEquals(key: string, value: string): Promise<boolean>
}

export const STORE_METHODS = [
  'increment',
  'get',
  'set',
  'setIfAbsent',
  'deleteIfEquals',
] as const satisfies ReadonlyArray<keyof Store>

/** A caller mistake caught once, at construction. */
export function assertStore(value: unknown, name: string): asserts value is Store {
  const candidate = value as Partial<Record<string, unknown>> | null | undefined
  for (const method of STORE_METHODS) {
    if (typeof candidate?.[method] !== 'function') {
      throw new TypeError(
        `"${name}" must be a Store (memoryStore() or redisStore()): it has no ${method}()`,
      )
    }
  }
}
