import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { hashTillSecret, type TillRecord, type TillStore } from '@m2m-auth/core'
import { normalizeBasic, type BasicOptions } from '../../src/basic/options.js'
import { createBasicVerifier } from '../../src/basic/verifier.js'
import { memoryStore } from '../../src/store/memory-store.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const basic = (id: string, password: string): string =>
  Buffer.from(`${id}:${password}`).toString('base64')
const RIGHT = basic('T-1', md5('right'))
const REQUEST = { method: 'GET', url: '/stock' }

let record: TillRecord
beforeAll(async () => {
  record = {
    tillId: 'T-1',
    secret: await hashTillSecret(md5('right'), { cost: { ln: 10 } }),
    scopes: ['stock.read'],
  }
})

/** A store whose contents the test swaps, counting lookups. */
function swappableStore(): TillStore & { current: TillRecord; finds: number } {
  const store = {
    current: record,
    finds: 0,
    find(tillId: string) {
      store.finds++
      return Promise.resolve(tillId === store.current.tillId ? store.current : undefined)
    },
  }
  return store
}

function verifier(tills: TillStore, extra: Partial<BasicOptions> = {}) {
  return createBasicVerifier(normalizeBasic({ tills, ...extra }, memoryStore()))
}

describe('the till verification cache', () => {
  it('a second request does not pay scrypt: one cold verification for many requests', async () => {
    const v = verifier(swappableStore())
    const first = await v.verify(RIGHT, REQUEST)
    for (let i = 0; i < 20; i++) expect(await v.verify(RIGHT, REQUEST)).toBe(first)
    expect(v.coldVerifications).toBe(1)
  })

  it('concurrent first requests share one verification (single-flight)', async () => {
    const v = verifier(swappableStore())
    await Promise.all(Array.from({ length: 8 }, async () => v.verify(RIGHT, REQUEST)))
    expect(v.coldVerifications).toBe(1)
  })

  it('verifies again once the TTL has passed', async () => {
    const v = verifier(swappableStore(), { cache: { ttlMs: 30 } })
    await v.verify(RIGHT, REQUEST)
    await v.verify(RIGHT, REQUEST) // served from the cache, and remembered as the last hit
    await v.verify(RIGHT, REQUEST)
    expect(v.coldVerifications).toBe(1)
    await sleep(50)
    await v.verify(RIGHT, REQUEST)
    expect(v.coldVerifications).toBe(2)
  })

  it('drops a cached success as soon as the store returns a changed record', async () => {
    const store = swappableStore()
    const v = verifier(store)
    await v.verify(RIGHT, REQUEST)
    store.current = { ...record, migrated: true }
    await expect(v.verify(RIGHT, REQUEST)).rejects.toMatchObject({ code: 'ERR_TILL_MIGRATED' })
    expect(v.coldVerifications).toBe(2)
  })

  it('never caches failures, and `cache: false` turns caching off', async () => {
    const wrong = basic('T-1', md5('wrong'))
    const v = verifier(swappableStore(), { lockout: false })
    await expect(v.verify(wrong, REQUEST)).rejects.toMatchObject({ status: 401 })
    await expect(v.verify(wrong, REQUEST)).rejects.toMatchObject({ status: 401 })
    expect(v.coldVerifications).toBe(2)
    const uncached = verifier(swappableStore(), { cache: false })
    await uncached.verify(RIGHT, REQUEST)
    await uncached.verify(RIGHT, REQUEST)
    expect(uncached.coldVerifications).toBe(2)
  })

  it('a locked-out till costs no scrypt at all', async () => {
    const v = verifier(swappableStore(), { lockout: { maxFailures: 2, coolDownMs: 60_000 } })
    for (const guess of ['a', 'b']) {
      await expect(v.verify(basic('T-1', md5(guess)), REQUEST)).rejects.toMatchObject({
        code: 'ERR_CREDENTIALS_INVALID',
      })
    }
    await expect(v.verify(basic('T-1', md5('c')), REQUEST)).rejects.toMatchObject({
      code: 'ERR_TILL_LOCKED',
    })
    expect(v.coldVerifications).toBe(2)
  })
})
