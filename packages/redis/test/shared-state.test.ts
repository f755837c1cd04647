import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import {
  createAuthenticator,
  hashTillSecret,
  memoryTillStore,
  type AuthError,
  type Authenticator,
  type StoreFallbackEvent,
  type TillRecord,
} from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { normalizeBasic } from '../../core/src/basic/options.js'
import { createBasicVerifier } from '../../core/src/basic/verifier.js'
import { useRedis } from '../../../test/support/redis.js'
import { captureWarnings } from '../../../test/support/warnings.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const basic = (id: string, password: string): string =>
  `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`
const BEARER = { issuer: 'https://idp.example.test/', audience: 'https://stock.example.test' }
const PEPPER = 'a server-side pepper of 32 bytes!'
const REQUEST = { method: 'GET', url: '/stock' }

type Client = ReturnType<typeof createClient>

let records: TillRecord[]
beforeAll(async () => {
  const cost = { ln: 10 }
  records = [
    { tillId: 'T-1', secret: await hashTillSecret(md5('right'), { cost }), scopes: ['stock.read'] },
    {
      tillId: 'T-P',
      secret: await hashTillSecret(md5('peppered'), { cost, pepper: PEPPER }),
      scopes: [],
    },
  ]
})

const outcome = (auth: Authenticator, authorization: string): Promise<string> =>
  auth.authenticate({ authorization }).then(
    () => 'ok',
    (e: AuthError) => e.code,
  )

describe('authenticators sharing a redis-server', () => {
  const redis = useRedis()
  const warnings = captureWarnings() // the outage test warns on purpose
  const clients: Client[] = []
  const connect = async (): Promise<Client> => {
    // node-redis emits 'error' while it reconnects; an app must listen, as this does.
    const client = createClient({ url: redis.server.url, socket: { reconnectStrategy: () => 100 } })
    client.on('error', () => undefined)
    clients.push(await client.connect())
    return client
  }
  afterAll(() => clients.forEach((c) => c.destroy()))

  const replica = (client: Client, prefix: string, events?: StoreFallbackEvent[]): Authenticator =>
    createAuthenticator({
      bearer: BEARER,
      basic: { tills: memoryTillStore(records), lockout: { maxFailures: 10 } },
      store: redisStore(client, { prefix }),
      ...(events === undefined ? {} : { onStoreFallback: (e) => void events.push(e) }),
    })

  it('12 wrong guesses round-robin over 3 replicas lock the till on all of them', async () => {
    const replicas = await Promise.all([1, 2, 3].map(async () => replica(await connect(), 'rr:')))
    const codes: string[] = []
    for (let i = 0; i < 12; i++)
      codes.push(await outcome(replicas[i % 3]!, basic('T-1', md5(`g${i}`))))
    expect(codes.slice(0, 10).every((c) => c === 'ERR_CREDENTIALS_INVALID')).toBe(true)
    expect(codes.slice(10)).toEqual(['ERR_TILL_LOCKED', 'ERR_TILL_LOCKED'])
    for (const r of replicas)
      expect(await outcome(r, basic('T-1', md5('right')))).toBe('ERR_TILL_LOCKED')
  })

  it('a burst of 200 guesses spread over 3 replicas gets 10 checks in all', async () => {
    const replicas = await Promise.all(
      [1, 2, 3].map(async () => replica(await connect(), 'burst:')),
    )
    const codes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        outcome(replicas[i % 3]!, basic('ghost', md5(`g${i}`))),
      ),
    )
    expect(codes.filter((c) => c === 'ERR_CREDENTIALS_INVALID')).toHaveLength(10)
    expect(codes.filter((c) => c === 'ERR_TILL_LOCKED')).toHaveLength(190)
  })

  it('a till proven on one replica costs the others no scrypt (with a pepper)', async () => {
    const store = redisStore(await connect(), { prefix: 'ok:' })
    const verifiers = [1, 2, 3].map(() =>
      createBasicVerifier(
        normalizeBasic({ tills: memoryTillStore(records), pepper: PEPPER }, store, true),
      ),
    )
    const right = Buffer.from(`T-P:${md5('peppered')}`).toString('base64')
    for (const v of verifiers)
      await expect(v.verify(right, REQUEST)).resolves.toMatchObject({ subject: 'till:T-P' })
    expect(verifiers.map((v) => v.coldVerifications)).toEqual([1, 0, 0])
    // A wrong secret is never remembered, and nothing in Redis holds the credential.
    const wrong = Buffer.from(`T-P:${md5('wrong')}`).toString('base64')
    await expect(verifiers[1]!.verify(wrong, REQUEST)).rejects.toMatchObject({ status: 401 })
    const client = clients.at(-1)!
    for (const key of await client.keys('ok:*')) {
      expect(key).not.toContain(md5('peppered'))
      expect(await client.pTTL(key)).toBeGreaterThan(0)
    }
  })

  it('an authenticator with a pepper remembers a proven till in Redis, never an unproven one', async () => {
    const client = await connect()
    const auth = createAuthenticator({
      bearer: BEARER,
      basic: { tills: memoryTillStore(records), pepper: PEPPER },
      store: redisStore(client, { prefix: 'auth-ok:' }),
    })
    expect(await outcome(auth, basic('T-P', md5('wrong')))).toBe('ERR_CREDENTIALS_INVALID')
    expect(await client.keys('auth-ok:till:*')).toEqual([])
    expect(await outcome(auth, basic('T-P', md5('peppered')))).toBe('ok')
    expect(await client.keys('auth-ok:till:*')).toHaveLength(1)
  })

  it("another replica's remembered success does not answer a guess while the till is locked", async () => {
    const store = redisStore(await connect(), { prefix: 'oracle:' })
    const replica = () =>
      createAuthenticator({
        bearer: BEARER,
        basic: { tills: memoryTillStore(records), pepper: PEPPER, lockout: { maxFailures: 3 } },
        store,
      })
    const [a, b] = [replica(), replica()]
    const right = basic('T-P', md5('peppered'))
    expect(await outcome(a, right)).toBe('ok') // remembered for the fleet
    for (const guess of ['x', 'y', 'z']) await outcome(b, basic('T-P', md5(guess)))
    expect(await outcome(b, right)).toBe('ERR_TILL_LOCKED')
    // On a, a guesser's first wrong guess meets the fleet's lock, and from then on a refuses
    // its own cached success too.
    expect(await outcome(a, basic('T-P', md5('w')))).toBe('ERR_TILL_LOCKED')
    expect(await outcome(a, right)).toBe('ERR_TILL_LOCKED')
  })

  it('a stalled event loop does not make a healthy Redis look unavailable', async () => {
    const events: StoreFallbackEvent[] = []
    const auth = replica(await connect(), 'stall:', events)
    const pending = outcome(auth, basic('T-1', md5('stalled')))
    const until = Date.now() + 400 // longer than the 250 ms deadline: Redis answers meanwhile
    while (Date.now() < until) {
      // a synchronous stall (GC, a large parse)
    }
    expect(await pending).toBe('ERR_CREDENTIALS_INVALID')
    expect(events).toEqual([])
  })

  it('a lock this replica saw still holds when Redis goes away', async () => {
    const events: StoreFallbackEvent[] = []
    const auth = replica(await connect(), 'mirror:', events)
    for (let i = 0; i < 10; i++) await outcome(auth, basic('T-1', md5(`m${i}`)))
    expect(await outcome(auth, basic('T-1', md5('right')))).toBe('ERR_TILL_LOCKED')
    await redis.server.kill()
    try {
      expect(await outcome(auth, basic('T-1', md5('right')))).toBe('ERR_TILL_LOCKED')
      expect(events.map((e) => e.state)).toEqual(['unavailable'])
    } finally {
      await redis.server.restart()
    }
  })

  it('Redis killed: no 5xx, lockout counts in-process (one warning), and sharing resumes when it is back', async () => {
    const events: StoreFallbackEvent[] = []
    const [a, b] = [
      replica(await connect(), 'outage:', events),
      replica(await connect(), 'outage:'),
    ]
    await redis.server.kill()
    const codes: string[] = []
    for (let i = 0; i < 11; i++) codes.push(await outcome(a, basic('T-1', md5(`o${i}`))))
    expect(codes.slice(0, 10).every((c) => c === 'ERR_CREDENTIALS_INVALID')).toBe(true)
    expect(codes[10]).toBe('ERR_TILL_LOCKED') // counted in this process while Redis is away
    expect(events.map((e) => e.state)).toEqual(['unavailable'])
    await redis.server.restart()
    await new Promise((r) => setTimeout(r, 1500)) // past the 1 s back-off, reconnected
    const shared: string[] = []
    for (let i = 0; i < 12; i++)
      shared.push(await outcome(i % 2 ? a : b, basic('T-2', md5(`s${i}`))))
    expect(shared.slice(10)).toEqual(['ERR_TILL_LOCKED', 'ERR_TILL_LOCKED'])
    expect(events.map((e) => e.state)).toEqual(['unavailable', 'recovered'])
    expect(warnings.messages).toContainEqual(
      expect.stringMatching(/^m2m-auth: the shared store is unavailable \(/),
    )
    expect(warnings.messages).toContain('m2m-auth: the shared store is back; sharing state again')
  })
})
