import { setTimeout as sleep } from 'node:timers/promises'
import { expect, it } from 'vitest'
import type { Store } from '@m2m-auth/core'

/**
 * What every `Store` must do, whatever it runs on: one table of cases for `memoryStore()`,
 * `redisStore()` on a single node and on a Cluster, so the implementations cannot drift.
 * `make` gives a fresh store (or one whose keys no other case uses: each case has its own).
 */
export function storeContract(make: () => Store): void {
  const unique = (name: string): string => `${name}:{${Math.random().toString(36).slice(2)}}`

  it('counts atomically, never below zero, with the expiry fixed when the key is created', async () => {
    const store = make()
    const key = unique('count')
    expect(await store.increment(key, 1, 150)).toBe(1)
    expect(await store.increment(key, 2, 60_000)).toBe(3) // a later TTL does not move the expiry
    expect(await store.increment(key, -5, 150)).toBe(0)
    expect(await store.increment(key, 1, 150)).toBe(1)
    await sleep(200)
    expect(await store.get(key)).toBeUndefined()
    expect(await store.increment(key, 1, 150)).toBe(1)
  })

  it('counts 200 concurrent increments exactly', async () => {
    const store = make()
    const key = unique('burst')
    const results = await Promise.all(
      Array.from({ length: 200 }, () => store.increment(key, 1, 60_000)),
    )
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
  })

  it('gets and sets with an expiry', async () => {
    const store = make()
    const key = unique('kv')
    expect(await store.get(key)).toBeUndefined()
    await store.set(key, 'v1', 150)
    await store.set(key, 'v2 ünïcode', 150)
    expect(await store.get(key)).toBe('v2 ünïcode')
    await sleep(200)
    expect(await store.get(key)).toBeUndefined()
  })

  it('sets if absent exactly once among concurrent callers, until the value expires', async () => {
    const store = make()
    const key = unique('jti')
    const first = await Promise.all(
      Array.from({ length: 50 }, (_, n) => store.setIfAbsent(key, `${n}`, 150)),
    )
    expect(first.filter(Boolean)).toHaveLength(1)
    expect(await store.get(key)).toBe(String(first.indexOf(true)))
    await sleep(200)
    expect(await store.setIfAbsent(key, 'later', 150)).toBe(true)
  })

  it('deletes only while the key holds the given value (a lease released by its owner)', async () => {
    const store = make()
    const key = unique('lease')
    expect(await store.setIfAbsent(key, 'owner-a', 5000)).toBe(true)
    expect(await store.deleteIfEquals(key, 'owner-b')).toBe(false)
    expect(await store.get(key)).toBe('owner-a')
    expect(await store.deleteIfEquals(key, 'owner-a')).toBe(true)
    expect(await store.deleteIfEquals(key, 'owner-a')).toBe(false)
    expect(await store.setIfAbsent(key, 'owner-b', 5000)).toBe(true)
  })
}
