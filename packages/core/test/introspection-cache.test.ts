import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  createRefusalCache,
  issuerTag,
  memoryRefusalStore,
  refusalKey,
  type RefusalStore,
} from '../src/bearer/introspection-cache.js'
import { invalidToken } from '../src/bearer/jws.js'
import { issuerUnavailable } from '../src/http/fetch-json.js'

const TOKEN = 'ory_at_Cb8VXVq2FrRvqx97lCV1K8UfnfCxUEOvPB1alXwAwIr.sig'
const LIMITS = { ttlMs: 10_000, maxEntries: 100, maxBytes: 1024 * 1024 }

/**
 * A store with the fleet seam's shape (get, and set with an expiry, both asynchronous), kept
 * in a Map: what a shared store looks like to the refusal cache.
 */
function asyncStore(): RefusalStore & { keys(): string[] } {
  const entries = new Map<string, { value: string; expiresAt: number }>()
  return {
    get: (key) => {
      const entry = entries.get(key)
      return Promise.resolve(entry && entry.expiresAt > Date.now() ? entry.value : undefined)
    },
    set: (key, value, ttlMs) => {
      entries.set(key, { value, expiresAt: Date.now() + ttlMs })
      return Promise.resolve()
    },
    keys: () => [...entries.keys()],
  }
}

describe('the introspection refusal cache', () => {
  it('keys a token by its SHA-256 and the issuer, never by the token itself', () => {
    const key = refusalKey(issuerTag('https://hydra.example.com/'), TOKEN)
    expect(key).not.toContain(TOKEN)
    expect(key).not.toContain('Cb8VXVq2FrRvqx97')
    expect(key).toContain(`{${createHash('sha256').update(TOKEN).digest('base64url')}}`)
    expect(refusalKey(issuerTag('https://other.example.com/'), TOKEN)).not.toBe(key)
  })

  it('rebuilds a remembered refusal as the same 401, through an asynchronous store', async () => {
    const store = asyncStore()
    const cache = createRefusalCache(store, 10_000)
    const key = refusalKey('tag', TOKEN)
    cache.remember(key, invalidToken('ERR_TOKEN_INACTIVE', 'the token is not active'))
    await Promise.resolve()
    const remembered = await cache.lookup(key)
    expect(remembered?.status).toBe(401)
    expect(remembered?.code).toBe('ERR_TOKEN_INACTIVE')
    expect(remembered?.message).toBe('the token is not active')
    // What reaches a shared store: a hashed key and the refusal, never the token.
    expect(JSON.stringify(store.keys())).not.toContain(TOKEN)
  })

  it('never remembers an outage (503)', async () => {
    const cache = createRefusalCache(memoryRefusalStore(LIMITS), 10_000)
    cache.remember('k', issuerUnavailable('down'))
    expect(await cache.lookup('k')).toBeUndefined()
  })

  it('treats a store that fails or holds an unreadable value as a miss', async () => {
    const broken: RefusalStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
    }
    const cache = createRefusalCache(broken, 10_000)
    cache.remember('k', invalidToken('ERR_TOKEN_INACTIVE', 'the token is not active'))
    expect(await cache.lookup('k')).toBeUndefined()
    const odd = createRefusalCache({ get: () => 'not json', set: () => undefined }, 10_000)
    expect(await odd.lookup('k')).toBeUndefined()
  })

  it('stops serving a refusal after its TTL', async () => {
    const cache = createRefusalCache(memoryRefusalStore(LIMITS), 20)
    cache.remember('k', invalidToken('ERR_TOKEN_INACTIVE', 'the token is not active'))
    expect(await cache.lookup('k')).toBeDefined()
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(await cache.lookup('k')).toBeUndefined()
  })

  it('is bounded in entries and in bytes', async () => {
    const refused = invalidToken('ERR_TOKEN_INACTIVE', 'the token is not active')
    const count = async (limits: typeof LIMITS) => {
      const cache = createRefusalCache(memoryRefusalStore(limits), 10_000)
      const keys = Array.from({ length: 1_000 }, (_, i) => refusalKey('tag', `garbage-${i}`))
      for (const key of keys) cache.remember(key, refused)
      let kept = 0
      for (const key of keys) if ((await cache.lookup(key)) !== undefined) kept++
      return kept
    }
    expect(await count({ ...LIMITS, maxEntries: 50 })).toBe(50)
    // About 300 bytes an entry: 6 KiB holds about 20.
    const byBytes = await count({ ...LIMITS, maxEntries: 10_000, maxBytes: 6 * 1024 })
    expect(byBytes).toBeGreaterThan(0)
    expect(byBytes).toBeLessThan(30)
  })
})
