import { describe, expect, it } from 'vitest'
import { memoryStore } from '@m2m-auth/core'
import { storeContract } from '../../../test/support/store-contract.js'

describe('memoryStore, the in-process Store', () => {
  storeContract(() => memoryStore())

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
