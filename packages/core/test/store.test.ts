import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { memoryStore } from '@m2m-auth/core'

describe('memoryStore, the in-process Store', () => {
  it('counts atomically, never below zero, with the expiry fixed when the key is created', async () => {
    const store = memoryStore()
    expect(await store.increment('c', 1, 40)).toBe(1)
    expect(await store.increment('c', 2, 10_000)).toBe(3) // a later TTL does not move the expiry
    expect(await store.increment('c', -5, 40)).toBe(0)
    expect(await store.increment('c', 1, 40)).toBe(1)
    await sleep(60)
    expect(await store.get('c')).toBeUndefined()
    expect(await store.increment('c', 1, 40)).toBe(1)
  })

  it('gets and sets with an expiry', async () => {
    const store = memoryStore()
    await store.set('k', 'v', 30)
    expect(await store.get('k')).toBe('v')
    await sleep(50)
    expect(await store.get('k')).toBeUndefined()
  })

  it('sets if absent, once, until the value expires', async () => {
    const store = memoryStore()
    const first = await Promise.all([1, 2, 3].map((n) => store.setIfAbsent('jti', `${n}`, 30)))
    expect(first).toEqual([true, false, false])
    expect(await store.get('jti')).toBe('1')
    await sleep(50)
    expect(await store.setIfAbsent('jti', '4', 30)).toBe(true)
  })

  it('deletes only while the key holds the given value (a lease released by its owner)', async () => {
    const store = memoryStore()
    expect(await store.setIfAbsent('lease', 'owner-a', 1000)).toBe(true)
    expect(await store.deleteIfEquals('lease', 'owner-b')).toBe(false)
    expect(await store.get('lease')).toBe('owner-a')
    expect(await store.deleteIfEquals('lease', 'owner-a')).toBe(true)
    expect(await store.setIfAbsent('lease', 'owner-b', 1000)).toBe(true)
  })

  it('stays bounded: the least recently used keys go first', async () => {
    const store = memoryStore({ maxEntries: 100 })
    for (let i = 0; i < 1000; i++) await store.set(`k${i}`, 'v', 60_000)
    let kept = 0
    for (let i = 0; i < 1000; i++) if ((await store.get(`k${i}`)) !== undefined) kept++
    expect(kept).toBeLessThanOrEqual(100)
    expect(await store.get('k999')).toBe('v')
  })

  it('refuses a bad bound at construction', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow('"maxEntries"')
  })
})
