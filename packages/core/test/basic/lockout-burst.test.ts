import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  hashTillSecret,
  memoryStore,
  memoryTillStore,
  type AuthError,
  type Store,
  type Authenticator,
  type TillRecord,
} from '@m2m-auth/core'
import { createLockout, lockoutKeys } from '../../src/basic/lockout.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const basic = (id: string, password: string): string =>
  `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`
const BEARER = { issuer: 'https://idp.example.test/', audience: 'https://stock.example.test' }

let records: TillRecord[]
beforeAll(async () => {
  // The default cost: a burst is only dangerous because each check takes a while.
  records = [
    { tillId: 'T-1', secret: await hashTillSecret(md5('right')), scopes: ['stock.read'] },
    { tillId: 'T-2', secret: await hashTillSecret(md5('two')), scopes: [] },
  ]
})

function authenticator(maxFailures = 10, store?: Store): Authenticator {
  return createAuthenticator({
    bearer: BEARER,
    basic: { tills: memoryTillStore(records), lockout: { maxFailures, coolDownMs: 60_000 } },
    ...(store === undefined ? {} : { store }),
  })
}

/** Fires every request before any settles; resolves to each outcome's code ('ok' for a 200). */
async function burst(auth: Authenticator, values: string[]): Promise<string[]> {
  const pending = values.map((authorization) => auth.authenticate({ authorization }))
  const settled = await Promise.allSettled(pending)
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as AuthError).code))
}

const tally = (codes: string[]): Record<string, number> =>
  codes.reduce<Record<string, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {})

describe('till lockout under a burst of concurrent guesses', () => {
  it('checks no more than maxFailures guesses of 200 concurrent ones; the rest, the right one too, are refused as locked', async () => {
    const auth = authenticator(10)
    const guesses = Array.from({ length: 199 }, (_, i) => basic('T-1', md5(`wrong ${i}`)))
    const codes = await burst(auth, [...guesses, basic('T-1', md5('right'))])
    expect(tally(codes)).toEqual({ ERR_CREDENTIALS_INVALID: 10, ERR_TILL_LOCKED: 190 })
    expect(codes.at(-1)).toBe('ERR_TILL_LOCKED')
    // The ten failures locked the till: the right password is refused until the cool-down ends.
    await expect(
      auth.authenticate({ authorization: basic('T-1', md5('right')) }),
    ).rejects.toMatchObject({
      code: 'ERR_TILL_LOCKED',
      status: 401,
    })
  })

  it('counts an unknown till id the same way', async () => {
    const auth = authenticator(5)
    const guesses = Array.from({ length: 60 }, (_, i) => basic('ghost', md5(`guess ${i}`)))
    expect(tally(await burst(auth, guesses))).toEqual({
      ERR_CREDENTIALS_INVALID: 5,
      ERR_TILL_LOCKED: 55,
    })
  })

  it('a right password in flight holds one of the attempts', async () => {
    const auth = authenticator(3)
    const wrong = Array.from({ length: 6 }, (_, i) => basic('T-1', md5(`wrong ${i}`)))
    const codes = await burst(auth, [basic('T-1', md5('right')), ...wrong])
    expect(codes[0]).toBe('ok')
    // Two wrong guesses fit beside the right one; the other four are refused unchecked.
    expect(tally(codes.slice(1))).toEqual({ ERR_CREDENTIALS_INVALID: 2, ERR_TILL_LOCKED: 4 })
  })

  it('a proven secret forgets the failures before it', async () => {
    const auth = createAuthenticator({
      bearer: BEARER,
      basic: { tills: memoryTillStore(records), lockout: { maxFailures: 3 }, cache: false },
    })
    const sequence = ['a', 'b', 'right', 'c', 'd', 'right', 'e', 'f', 'g', 'right']
    const codes: string[] = []
    for (const password of sequence)
      codes.push(...(await burst(auth, [basic('T-1', md5(password))])))
    expect(codes).toEqual([
      ...['ERR_CREDENTIALS_INVALID', 'ERR_CREDENTIALS_INVALID', 'ok'],
      ...['ERR_CREDENTIALS_INVALID', 'ERR_CREDENTIALS_INVALID', 'ok'],
      ...['ERR_CREDENTIALS_INVALID', 'ERR_CREDENTIALS_INVALID', 'ERR_CREDENTIALS_INVALID'],
      'ERR_TILL_LOCKED',
    ])
  })

  it('a success never clears a lock set while it was being checked', async () => {
    const store = memoryStore()
    const auth = authenticator(3, store)
    const pending = auth.authenticate({ authorization: basic('T-1', md5('right')) })
    // Another replica locks the till while this one is still running scrypt (its attempt is
    // reserved within a tick; scrypt at the default cost takes tens of milliseconds).
    await new Promise((resolve) => setImmediate(resolve))
    const { lock } = lockoutKeys('T-1')
    await store.set(lock, String(Date.now() + 60_000), 60_000)
    await expect(pending).resolves.toMatchObject({ subject: 'till:T-1' })
    await expect(auth.authenticate({ authorization: basic('T-2', 'x') })).rejects.toMatchObject({
      code: 'ERR_CREDENTIALS_INVALID',
    })
    const again = createAuthenticator({
      bearer: BEARER,
      basic: { tills: memoryTillStore(records), lockout: { maxFailures: 3 }, cache: false },
      store,
    })
    await expect(
      again.authenticate({ authorization: basic('T-1', md5('right')) }),
    ).rejects.toMatchObject({
      code: 'ERR_TILL_LOCKED',
    })
  })

  it('an attempt whose reservation lands just after a lock was set (and its counts reset) is refused', async () => {
    // The lockout alone over the real in-memory store, with the third reservation held back
    // until two failures have locked the till: the moment a check-then-reserve would miss.
    const inner = memoryStore()
    let held: (() => void) | undefined
    const gate = new Promise<void>((resolve) => (held = resolve))
    let reservations = 0
    const store: Store = {
      ...inner,
      async increment(key, delta, ttlMs) {
        if (key.endsWith(':inflight') && delta === 1 && ++reservations === 3) await gate
        return inner.increment(key, delta, ttlMs)
      },
    }
    const lockout = createLockout({ maxFailures: 2, windowMs: 60_000, coolDownMs: 60_000 }, store)
    const [a, b] = await Promise.all([lockout.reserve('T-1'), lockout.reserve('T-1')])
    const late = lockout.reserve('T-1').then(
      () => 'admitted',
      (error: AuthError) => error.code,
    )
    await a.failed()
    await b.failed()
    held!()
    expect(await late).toBe('ERR_TILL_LOCKED')
  })

  it('a locked till is refused even for credentials still in the success cache: a right guess learns nothing', async () => {
    const auth = authenticator(3)
    const right = basic('T-1', md5('right'))
    expect(await burst(auth, [right])).toEqual(['ok']) // cached now
    for (const guess of ['a', 'b', 'c']) await burst(auth, [basic('T-1', md5(guess))])
    // During the lock every guess is refused alike, the right one (a cache hit) included.
    expect(await burst(auth, [basic('T-1', md5('d')), right])).toEqual([
      'ERR_TILL_LOCKED',
      'ERR_TILL_LOCKED',
    ])
  })

  it('replicas sharing one store count together: 12 guesses round-robin over 3 lock the till on all', async () => {
    const store = memoryStore()
    const replicas = [1, 2, 3].map(() => authenticator(10, store))
    const codes: string[] = []
    for (let i = 0; i < 12; i++) {
      codes.push(...(await burst(replicas[i % 3]!, [basic('T-1', md5(`guess ${i}`))])))
    }
    expect(tally(codes)).toEqual({ ERR_CREDENTIALS_INVALID: 10, ERR_TILL_LOCKED: 2 })
    for (const replica of replicas) {
      await expect(
        replica.authenticate({ authorization: basic('T-1', md5('right')) }),
      ).rejects.toMatchObject({
        code: 'ERR_TILL_LOCKED',
      })
    }
  })

  it('a till store outage gives the attempt back without counting it as a failure', async () => {
    let down = true
    const tills = {
      find: (id: string) =>
        down ? Promise.reject(new Error('db down')) : memoryTillStore(records).find(id),
    }
    const auth = createAuthenticator({
      bearer: BEARER,
      basic: { tills, lockout: { maxFailures: 2 } },
    })
    for (let i = 0; i < 5; i++) {
      await expect(
        auth.authenticate({ authorization: basic('T-1', md5('right')) }),
      ).rejects.toMatchObject({
        code: 'ERR_TILL_STORE_UNAVAILABLE',
        status: 503,
      })
    }
    down = false
    await expect(
      auth.authenticate({ authorization: basic('T-1', md5('right')) }),
    ).resolves.toMatchObject({
      subject: 'till:T-1',
    })
  })
})
