import { createHmac, hkdfSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import {
  createAuthenticator,
  type AuthError,
  type Authenticator,
  type IntrospectionOptions,
} from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { issuerTag, refusalKey } from '../../core/src/bearer/introspection-cache.js'
import { useRedis } from '../../../test/support/redis.js'
import { captureWarnings } from '../../../test/support/warnings.js'
import {
  startIntrospectionEndpoint,
  type IntrospectionEndpoint,
} from '../../../test/issuers/introspection-endpoint.js'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../test/support/issuer.js'

// The resource server's own client at the issuer, which calls its introspection endpoint.
const CALENDAR = { client_id: 'calendar-api', client_secret: 'calendar-api-secret-0123456789abcd' }
const INTROSPECTION = '/token/introspection'
const CACHE_TTL_MS = 60_000

type Client = ReturnType<typeof createClient>

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
/** 'ok:<subject>', or the refusal's status and code. */
const outcome = (auth: Authenticator, token: string): Promise<string> =>
  auth.authenticate(bearer(token)).then(
    (principal) => `ok:${principal.subject}`,
    (error: AuthError) => `${error.status} ${error.code}`,
  )

/** A value in this version's sealed form, MACed under a key derived from `secret`. */
function sealWith(secret: string, key: string, entry: object | string): string {
  const macKey = Buffer.from(
    hkdfSync('sha256', secret, 'm2m-auth introspection cache', 'hmac-sha256 v1', 32),
  )
  const text = typeof entry === 'string' ? entry : JSON.stringify(entry)
  const mac = createHmac('sha256', macKey).update(`${key}\n${text}`).digest('base64url')
  return `v1.${mac}.${text}`
}

describe('introspection results shared by replicas through a redis-server', () => {
  const redis = useRedis()
  const warnings = captureWarnings() // the outage test warns on purpose
  let issuer: TestIssuer
  let endpoint: IntrospectionEndpoint
  const clients: Client[] = []
  let counter = 0
  let prefixes = 0
  // A made-up opaque token: the issuer never issued it, so it answers `active: false`.
  const garbage = () => `garbage-${++counter}-Cb8VXVq2FrRvqx97lCV1K8UfnfCxUEOvPB1alX`
  const opaque = () => issuer.token('task-service', { scope: 'event.view', resource: null })
  const calls = () => issuer.proxy.hitsFor(INTROSPECTION)

  beforeAll(async () => {
    issuer = await startIssuer({
      defaultResource: null,
      clients: [...DEFAULT_CLIENTS, { ...CALENDAR, scope: 'event.view' }],
    })
    endpoint = await startIntrospectionEndpoint()
  })
  afterAll(async () => {
    for (const client of clients) client.destroy()
    await issuer.close()
    await endpoint.close()
  })

  const connect = async (): Promise<Client> => {
    // node-redis emits 'error' while it reconnects; an app must listen, as this does.
    const client = createClient({ url: redis.server.url, socket: { reconnectStrategy: () => 100 } })
    client.on('error', () => undefined)
    clients.push(await client.connect())
    return client
  }

  /** One replica: its own authenticator and connection, its store under `prefix`. */
  const replica = async (prefix: string, cacheTtlMs = CACHE_TTL_MS): Promise<Authenticator> =>
    createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        introspection: {
          clientId: CALENDAR.client_id,
          clientSecret: CALENDAR.client_secret,
          // oidc-provider's opaque client-credentials tokens carry no `aud`.
          requireAudience: false,
          cacheTtlMs,
        },
        failureBackoffMs: 0,
      },
      store: redisStore(await connect(), { prefix }),
    })

  /** `count` replicas sharing one fresh prefix (a fleet of their own). */
  const fleet = async (count = 3): Promise<{ replicas: Authenticator[]; prefix: string }> => {
    const prefix = `fleet${++prefixes}:`
    const replicas = await Promise.all(Array.from({ length: count }, () => replica(prefix)))
    return { replicas, prefix }
  }
  const storeKey = (prefix: string, token: string) =>
    prefix + refusalKey(issuerTag(issuer.issuer), token)

  it("one service's policy refusal does not refuse the token at another service on the same prefix", async () => {
    const prefix = `policy${++prefixes}:`
    const strict = createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        requiredClaims: { tenant: 'north' }, // the token has no tenant: this service refuses it
        introspection: {
          clientId: CALENDAR.client_id,
          clientSecret: CALENDAR.client_secret,
          requireAudience: false,
        },
      },
      store: redisStore(await connect(), { prefix }),
    })
    const lenient = await replica(prefix)
    const token = await opaque()
    expect(await outcome(strict, token)).toMatch(/^401 /)
    expect(await outcome(lenient, token)).toBe('ok:task-service')
  })

  it('3 replicas receiving the same new opaque token at once make one introspection call', async () => {
    const { replicas, prefix } = await fleet()
    const token = await opaque()
    const before = calls()
    const outcomes = await Promise.all(replicas.map((r) => outcome(r, token)))
    expect(outcomes).toEqual(['ok:task-service', 'ok:task-service', 'ok:task-service'])
    expect(calls()).toBe(before + 1)
    // The entry: claims under the token's hash, never the token, expiring within cacheTtlMs.
    const client = clients.at(-1)!
    const key = storeKey(prefix, token)
    // The lease may still be on its way out; it holds a random owner id.
    expect((await client.keys(`${prefix}*`)).filter((k) => !k.endsWith(':lease'))).toEqual([key])
    expect(key).not.toContain(token)
    const value = (await client.get(key))!
    expect(value).toContain('"client_id":"task-service"')
    expect(value).not.toContain(token)
    const ttl = await client.pTTL(key)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(CACHE_TTL_MS)
  })

  it('a replica that joins later rebuilds the principal from the shared result, without a call', async () => {
    const { replicas } = await fleet(2)
    const token = await opaque()
    const before = calls()
    expect(await outcome(replicas[0]!, token)).toBe('ok:task-service')
    const principal = await replicas[1]!.authenticate(bearer(token))
    expect(principal).toMatchObject({ scheme: 'bearer', subject: 'task-service' })
    expect([...principal.scopes]).toEqual(['event.view'])
    expect(calls()).toBe(before + 1)
  })

  it('a replica serving a shared result stops when the first one’s cacheTtlMs ends (the revocation window is not doubled)', async () => {
    const prefix = `window${++prefixes}:`
    const [first, later] = [await replica(prefix, 1000), await replica(prefix, 1000)]
    const token = await opaque()
    const before = calls()
    expect(await outcome(first, token)).toBe('ok:task-service') // asks: entry until t0 + 1 s
    await sleep(600)
    expect(await outcome(later, token)).toBe('ok:task-service') // from Redis, kept to t0 + 1 s
    await sleep(600)
    // Past t0 + 1 s: `later` asks the issuer again rather than serving until t0 + 1.6 s.
    expect(await outcome(later, token)).toBe('ok:task-service')
    expect(calls()).toBe(before + 2)
  })

  it('a garbage token sent to 3 replicas at once costs one introspection call', async () => {
    const { replicas } = await fleet()
    const token = garbage()
    const before = calls()
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => outcome(replicas[i % 3]!, token)),
    )
    expect(new Set(outcomes)).toEqual(new Set(['401 ERR_TOKEN_INACTIVE']))
    expect(calls()).toBe(before + 1)
  })

  it('refuses a forged "active" entry written into Redis for a garbage token (MAC under another secret)', async () => {
    const { replicas, prefix } = await fleet(1)
    const token = garbage()
    const key = storeKey(prefix, token)
    const forged = {
      until: Date.now() + CACHE_TTL_MS,
      claims: { active: true, sub: 'admin', client_id: 'admin', scope: 'event.create event.view' },
    }
    await clients.at(-1)!.set(key, sealWith('a guessed secret', key.slice(prefix.length), forged))
    const before = calls()
    expect(await outcome(replicas[0]!, token)).toBe('401 ERR_TOKEN_INACTIVE')
    expect(calls()).toBe(before + 1) // a bad MAC is a miss: the issuer was asked
  })

  it('refuses a genuine active entry copied onto a garbage token’s key', async () => {
    const { replicas, prefix } = await fleet(2)
    const token = await opaque()
    expect(await outcome(replicas[0]!, token)).toBe('ok:task-service')
    const client = clients.at(-1)!
    const made = garbage()
    await client.set(storeKey(prefix, made), (await client.get(storeKey(prefix, token)))!)
    expect(await outcome(replicas[1]!, made)).toBe('401 ERR_TOKEN_INACTIVE')
  })

  it('treats a corrupt entry as a miss: asks the issuer and answers right', async () => {
    const prefix = `corrupt${++prefixes}:`
    const token = await opaque()
    const key = storeKey(prefix, token)
    const client = await connect()
    // Sealed with the right secret but unreadable: what a bug or another version might write.
    const sealed = [
      'null',
      '[',
      '{"until":"later"}',
      `{"until":${Date.now() + 60_000},"claims":[]}`,
    ]
    const unsealed = ['v1.', 'v1.x.{"until":', '{"active":true}', 'v1..', '\u0000']
    const own = key.slice(prefix.length)
    const values = [
      ...unsealed,
      ...sealed.map((text) => sealWith(CALENDAR.client_secret, own, text)),
    ]
    for (const value of values) {
      await client.set(key, value)
      const before = calls()
      // A new replica each time, so no in-process cache answers for the store.
      expect(await outcome(await replica(prefix), token)).toBe('ok:task-service')
      expect(calls()).toBe(before + 1)
    }
  })

  /** A replica of a loopback endpoint's issuer (it answers as the test says), and its client. */
  const endpointReplica = async (introspection: Partial<IntrospectionOptions>) => {
    const prefix = `endpoint${++prefixes}:`
    const client = await connect()
    const auth = createAuthenticator({
      bearer: {
        issuer: endpoint.issuer,
        audience: DEFAULT_RESOURCE,
        introspection: {
          clientId: 'calendar-api',
          endpoint: endpoint.url,
          requireAudience: false,
          ...introspection,
        },
      },
      store: redisStore(client, { prefix }),
    })
    return { auth, client, prefix }
  }

  it('never stores the token, even from an endpoint that echoes it in its answer', async () => {
    endpoint.answer = ({ token }) => ({
      body: { active: true, client_id: 'echo', token, exp: Math.floor(Date.now() / 1000) + 60 },
    })
    const { auth, client, prefix } = await endpointReplica({ clientSecret: 'a-secret-0123456789' })
    const token = garbage()
    expect(await outcome(auth, token)).toBe('ok:echo')
    const value = (await client.get(prefix + refusalKey(issuerTag(endpoint.issuer), token)))!
    expect(value).toContain('"client_id":"echo"')
    expect(value).not.toContain(token)
  })

  it('keeps results in-process for a client without a secret (authMethod none: nothing to MAC with)', async () => {
    endpoint.answer = () => ({ body: { active: true, client_id: 'public', exp: 4_000_000_000 } })
    const { auth, client, prefix } = await endpointReplica({ authMethod: 'none' })
    expect(await outcome(auth, garbage())).toBe('ok:public')
    endpoint.answer = () => ({ body: { active: false } })
    expect(await outcome(auth, garbage())).toBe('401 ERR_TOKEN_INACTIVE')
    expect(await client.keys(`${prefix}*`)).toEqual([])
  })

  it('Redis killed: replicas still answer 200 and 401, never 5xx', async () => {
    const { replicas } = await fleet()
    const known = await opaque()
    expect(await outcome(replicas[0]!, known)).toBe('ok:task-service')
    await redis.server.kill()
    const fresh = await opaque()
    const outcomes = await Promise.all(
      replicas.flatMap((r) => [outcome(r, known), outcome(r, fresh), outcome(r, garbage())]),
    )
    expect(outcomes).toEqual(
      Array.from({ length: 3 }, () => [
        'ok:task-service',
        'ok:task-service',
        '401 ERR_TOKEN_INACTIVE',
      ]).flat(),
    )
    expect(warnings.messages).toContainEqual(
      expect.stringMatching(/^m2m-auth: the shared store is unavailable \(/),
    )
  })
})
