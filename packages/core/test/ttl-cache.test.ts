import { describe, expect, it } from 'vitest'
import { TtlCache } from '../src/cache/ttl-cache.js'

const FAR = Number.MAX_SAFE_INTEGER

describe('TtlCache', () => {
  it('keeps at most maxEntries while 100,000 distinct keys go through it', () => {
    const cache = new TtlCache<number>({ maxEntries: 10_000, maxBytes: 32 * 1024 * 1024 })
    for (let i = 0; i < 100_000; i++) {
      cache.set(`token-${i}`, i, FAR, 1_500)
      expect(cache.size).toBeLessThanOrEqual(10_000)
    }
    expect(cache.size).toBe(10_000)
    expect(cache.bytes).toBe(10_000 * 1_500)
    expect(cache.get('token-99999', 0)).toBe(99_999)
    expect(cache.get('token-0', 0)).toBeUndefined()
  })

  it('keeps at most maxBytes when the byte bound is the tighter one', () => {
    const cache = new TtlCache<number>({ maxEntries: 10_000, maxBytes: 1024 * 1024 })
    for (let i = 0; i < 100_000; i++) {
      cache.set(`token-${i}`, i, FAR, 2_000)
      expect(cache.bytes).toBeLessThanOrEqual(1024 * 1024)
    }
    expect(cache.size).toBe(Math.floor((1024 * 1024) / 2_000))
  })

  it('never stores an entry larger than maxBytes, and stores nothing when maxEntries is 0', () => {
    const small = new TtlCache<number>({ maxEntries: 10, maxBytes: 100 })
    small.set('big', 1, FAR, 101)
    expect(small.size).toBe(0)
    const off = new TtlCache<number>({ maxEntries: 0, maxBytes: 100 })
    off.set('a', 1, FAR, 1)
    expect(off.get('a', 0)).toBeUndefined()
  })

  it('never serves an entry at or past expiresAt, however recently it was used', () => {
    const cache = new TtlCache<string>({ maxEntries: 10, maxBytes: 1_000 })
    cache.set('t', 'principal', 1_000, 10)
    expect(cache.get('t', 999)).toBe('principal')
    expect(cache.get('t', 999)).toBe('principal')
    expect(cache.get('t', 1_000)).toBeUndefined()
    // The expired entry is gone, bytes included, not merely hidden.
    expect(cache.size).toBe(0)
    expect(cache.bytes).toBe(0)
  })

  it('evicts entries not used since they were stored before ones that were (second chance)', () => {
    const cache = new TtlCache<number>({ maxEntries: 3, maxBytes: 1_000 })
    cache.set('a', 1, FAR, 1)
    cache.set('b', 2, FAR, 1)
    cache.set('c', 3, FAR, 1)
    expect(cache.get('a', 0)).toBe(1) // a is the oldest but was just used
    cache.set('d', 4, FAR, 1)
    expect(cache.get('b', 0)).toBeUndefined()
    expect([cache.get('a', 0), cache.get('c', 0), cache.get('d', 0)]).toEqual([1, 3, 4])
  })

  it('replaces an entry stored again under the same key without counting it twice', () => {
    const cache = new TtlCache<number>({ maxEntries: 3, maxBytes: 1_000 })
    cache.set('a', 1, FAR, 10)
    cache.set('a', 2, FAR, 30)
    expect(cache.get('a', 0)).toBe(2)
    expect(cache.size).toBe(1)
    expect(cache.bytes).toBe(30)
  })

  it('drops exactly the entries a predicate selects', () => {
    const cache = new TtlCache<{ kid: string }>({ maxEntries: 10, maxBytes: 1_000 })
    cache.set('a', { kid: 'old' }, FAR, 5)
    cache.set('b', { kid: 'new' }, FAR, 7)
    cache.deleteWhere((v) => v.kid === 'old')
    expect(cache.get('a', 0)).toBeUndefined()
    expect(cache.get('b', 0)).toEqual({ kid: 'new' })
    expect(cache.bytes).toBe(7)
  })
})

describe('TtlCache adaptive admission', () => {
  const adaptive = (): TtlCache<number> =>
    new TtlCache<number>({ maxEntries: 10, maxBytes: 1e9, admission: 'adaptive' })

  it('stores on first sight until the cache thrashes, then only keys seen twice', () => {
    const cache = adaptive()
    let stored = 0
    for (let i = 0; i < 500; i++) {
      cache.set(`one-shot-${i}`, i, FAR, 1)
      if (cache.peek(`one-shot-${i}`) !== undefined) stored++
    }
    expect(cache.thrashing).toBe(true)
    // The first 10 filled the cache; then about 90 more evicted unread tipped it into thrashing.
    expect(stored).toBeGreaterThan(50)
    expect(stored).toBeLessThan(150)
    cache.set('again', 1, FAR, 1)
    expect(cache.get('again', 0)).toBeUndefined()
    cache.set('again', 1, FAR, 1)
    expect(cache.get('again', 0)).toBe(1)
  })

  it('goes back to storing on first sight once what it stores is read', () => {
    const cache = adaptive()
    for (let i = 0; i < 500; i++) cache.set(`one-shot-${i}`, i, FAR, 1)
    expect(cache.thrashing).toBe(true)
    let rounds = 0
    while (cache.thrashing && rounds < 1_000) {
      const key = `reused-${rounds++}`
      cache.set(key, rounds, FAR, 1)
      cache.set(key, rounds, FAR, 1)
      expect(cache.get(key, 0)).toBe(rounds)
    }
    expect(cache.thrashing).toBe(false)
    expect(rounds).toBeLessThan(200)
    cache.set('fresh', 1, FAR, 1)
    expect(cache.get('fresh', 0)).toBe(1)
  })

  it('is off by default: every set stores, however much the cache churns', () => {
    const cache = new TtlCache<number>({ maxEntries: 10, maxBytes: 1e9 })
    for (let i = 0; i < 500; i++) {
      cache.set(`one-shot-${i}`, i, FAR, 1)
      expect(cache.peek(`one-shot-${i}`)).toBe(i)
    }
  })
})
