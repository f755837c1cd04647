import { TtlCache } from '../cache/ttl-cache.js'
import type { Store } from './types.js'

export interface MemoryStoreOptions {
  /** Most keys kept; about the least recently used go first. Default 100,000. */
  maxEntries?: number
}

interface Entry {
  readonly value: string
  readonly expiresAt: number
}

/**
 * The in-process `Store`: what every policy runs on when no shared store is configured, and
 * where they fall back when the shared one cannot be reached. Bounded, because callers choose
 * many of the keys (till ids, token hashes): the least recently used go first, and every key
 * expires. Each method runs to completion without yielding, so each is atomic.
 */
export function memoryStore({ maxEntries = 100_000 }: MemoryStoreOptions = {}): Store {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('"maxEntries" must be an integer >= 1')
  }
  const entries = new TtlCache<Entry>({ maxEntries, maxBytes: maxEntries * 1024 })
  const put = (key: string, value: string, expiresAt: number): void =>
    entries.set(key, { value, expiresAt }, expiresAt, (key.length + value.length) * 2 + 64)

  return {
    increment(key, delta, ttlMs) {
      const now = Date.now()
      const entry = entries.get(key, now)
      const next = Math.max(0, Number(entry?.value ?? 0) + delta)
      put(key, String(next), entry?.expiresAt ?? now + ttlMs)
      return Promise.resolve(next)
    },
    get: (key) => Promise.resolve(entries.get(key, Date.now())?.value),
    set(key, value, ttlMs) {
      put(key, value, Date.now() + ttlMs)
      return Promise.resolve()
    },
    setIfAbsent(key, value, ttlMs) {
      const now = Date.now()
      if (entries.get(key, now) !== undefined) return Promise.resolve(false)
      put(key, value, now + ttlMs)
      return Promise.resolve(true)
    },
    deleteIfEquals(key, value) {
      if (entries.get(key, Date.now())?.value !== value) return Promise.resolve(false)
      entries.delete(key)
      return Promise.resolve(true)
    },
  }
}
