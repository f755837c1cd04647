import { createHash } from 'node:crypto'
import { TtlCache } from '../cache/ttl-cache.js'
import type { AuthError, AuthErrorCode } from '../errors.js'
import type { InactiveCacheConfig } from './introspection-options.js'
import { invalidToken } from './jws.js'

/**
 * Where refusals are kept: get, and set with an expiry, of short strings. The shape is the
 * `get`/`set` part of the fleet `Store` seam, so a shared store can back this cache as is;
 * the in-process default answers synchronously, which keeps a cached refusal off the network
 * and out of any queue.
 */
export interface RefusalStore {
  get(key: string): string | undefined | Promise<string | undefined>
  set(key: string, value: string, ttlMs: number): void | Promise<void>
}

export interface RefusalCache {
  /** The refusal remembered for this token key, rebuilt as a fresh 401; undefined on a miss. */
  lookup(key: string): AuthError | undefined | Promise<AuthError | undefined>
  /** Remembers a 401 refusal for the configured TTL; anything else is not cached. */
  remember(key: string, error: AuthError): void
}

/**
 * The cache key of a token at one issuer: a SHA-256 of the whole token, never the token, so
 * neither this process's heap dumps nor a shared store ever hold a usable credential. The
 * issuer is part of the key because an opaque token means something only to its issuer; the
 * `{hash tag}` keeps a future Redis Cluster key in one slot.
 */
export function refusalKey(issuerTag: string, token: string): string {
  return `introspection:${issuerTag}:{${createHash('sha256').update(token).digest('base64url')}}`
}

/** A short, stable tag for an issuer in cache keys (the issuer URL itself may be long). */
export function issuerTag(issuer: string): string {
  return createHash('sha256').update(issuer).digest('base64url').slice(0, 12)
}

/** The in-process store: bounded in entries and bytes, every entry expiring. */
export function memoryRefusalStore(limits: InactiveCacheConfig): RefusalStore {
  const cache = new TtlCache<string>({ maxEntries: limits.maxEntries, maxBytes: limits.maxBytes })
  return {
    get: (key) => cache.get(key, Date.now()),
    // UTF-16 strings plus the Map entry's own overhead.
    set: (key, value, ttlMs) =>
      cache.set(key, value, Date.now() + ttlMs, (key.length + value.length) * 2 + 64),
  }
}

interface StoredRefusal {
  code: AuthErrorCode
  description: string
}

/** Refusals (RFC 7662 §2.2 `active: false`, or an active token refused here) kept `ttlMs`. */
export function createRefusalCache(store: RefusalStore, ttlMs: number): RefusalCache {
  const rebuild = (value: string | undefined): AuthError | undefined => {
    const stored = parse(value)
    return stored && invalidToken(stored.code, stored.description)
  }
  return {
    lookup(key) {
      let value: string | undefined | Promise<string | undefined>
      try {
        value = store.get(key)
      } catch {
        return undefined // an unreachable store costs a call, never a request
      }
      if (!(value instanceof Promise)) return rebuild(value)
      return value.then(rebuild, () => undefined)
    },
    remember(key, error) {
      if (error.status !== 401) return
      const value = JSON.stringify({ code: error.code, description: error.message })
      try {
        const stored = store.set(key, value, ttlMs)
        if (stored instanceof Promise) stored.catch(() => undefined)
      } catch {
        // Not remembered: the next request with this token asks the issuer again.
      }
    },
  }
}

function parse(value: string | undefined): StoredRefusal | undefined {
  if (value === undefined) return undefined
  try {
    const parsed = JSON.parse(value) as Partial<StoredRefusal>
    if (typeof parsed.code === 'string' && typeof parsed.description === 'string') {
      return parsed as StoredRefusal
    }
  } catch {
    // A value this version cannot read is a miss.
  }
  return undefined
}
