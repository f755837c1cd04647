import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createCluster } from 'redis'
import {
  createTokenClient,
  TokenRequestError,
  type StoreFallbackEvent,
  type TokenClient,
  type TokenClientOptions,
} from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../test/support/issuer.js'
import { useRedis, useRedisCluster } from '../../../test/support/redis.js'
import { startLoopbackServer } from '../../core/test/outbound/loopback-server.js'
import { captureWarnings } from '../../../test/support/warnings.js'

const TASK = DEFAULT_CLIENTS[0]!
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await startIssuer() // tokens live 300 s
})
afterAll(() => issuer?.close())
afterEach(() => {
  issuer.proxy.mode = 'up'
})

const options = (extra: Partial<TokenClientOptions>): TokenClientOptions =>
  ({
    issuer: issuer.issuer,
    clientId: TASK.client_id,
    clientSecret: TASK.client_secret!,
    scope: 'event.create',
    resource: DEFAULT_RESOURCE,
    retry: { retries: 1, baseDelayMs: 5 },
    ...extra,
  }) as TokenClientOptions

const tokenHits = (): number => issuer.proxy.hitsFor('/token')

/** 3 replicas × 50 concurrent getToken(): the distinct tokens, and the issuer's token requests. */
async function burst(replicas: TokenClient[]): Promise<{ distinct: number; requests: number }> {
  const before = tokenHits()
  const tokens = await Promise.all(
    replicas.flatMap((client) => Array.from({ length: 50 }, () => client.getToken())),
  )
  return { distinct: new Set(tokens).size, requests: tokenHits() - before }
}

describe('token clients sharing a redis-server', () => {
  const redis = useRedis()
  const warnings = captureWarnings() // the outage test warns on purpose
  const clients: Array<ReturnType<typeof createClient>> = []
  const connect = async (): Promise<ReturnType<typeof createClient>> => {
    const client = createClient({ url: redis.server.url, socket: { reconnectStrategy: () => 100 } })
    client.on('error', () => undefined)
    clients.push(await client.connect())
    return client
  }
  afterAll(() => clients.forEach((c) => c.destroy()))

  const replicas = async (prefix: string, extra: Partial<TokenClientOptions> = {}) =>
    Promise.all(
      [1, 2, 3].map(async () =>
        createTokenClient(options({ store: redisStore(await connect(), { prefix }), ...extra })),
      ),
    )

  it('3 replicas × 50 concurrent getToken() make exactly 1 token request', async () => {
    expect(await burst(await replicas('burst:'))).toEqual({ distinct: 1, requests: 1 })
  })

  it('a replica started later takes the fleet token, and a cached getToken() touches no Redis', async () => {
    const [first] = await replicas('late:')
    const token = await first!.getToken()
    const before = tokenHits()
    const [late] = await replicas('late:')
    expect(await late!.getToken()).toBe(token)
    redis.server.pause() // a hung Redis: cached tokens must not wait on it
    try {
      expect(await late!.getToken()).toBe(token)
    } finally {
      redis.server.resume()
    }
    expect(tokenHits() - before).toBe(0)
  })

  it('a token an API rejects is not handed back by the fleet: the retry gets a new one', async () => {
    let refused: string | undefined
    const api = await startLoopbackServer((r) => {
      const token = (r.headers.authorization ?? '').replace(/^Bearer /, '')
      refused ??= token // the first token seen is revoked at this API
      return token === refused
        ? { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }
        : { json: { ok: true } }
    })
    try {
      const [a] = await replicas('revoked:')
      const before = tokenHits()
      expect((await a!.fetch(`${api.url}/x`)).status).toBe(200)
      expect(tokenHits() - before).toBe(2)
    } finally {
      await api.close()
    }
  })

  it('keeps tokens sealed: Redis holds no token, and a tampered entry is a miss, not a token', async () => {
    const [a] = await replicas('sealed:')
    const token = await a!.getToken()
    const raw = clients.at(-1)!
    const keys = await raw.keys('sealed:token:*')
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      const value = (await raw.get(key)) ?? ''
      expect(value).not.toContain(token)
      expect(value).not.toContain(token.split('.')[1] ?? token)
      expect(await raw.pTTL(key)).toBeGreaterThan(0)
    }
    const tokenKey = keys.find((k) => !k.endsWith(':lease'))!
    await raw.set(tokenKey, 'v1.AAAA.BBBB', { expiration: { type: 'PX', value: 60_000 } })
    const before = tokenHits()
    const [fresh] = await replicas('sealed:')
    const other = await fresh!.getToken()
    expect(other).not.toBe('v1.AAAA.BBBB')
    expect(tokenHits() - before).toBe(1)
  })

  it('a client with another secret cannot read the fleet token (it asks the issuer)', async () => {
    const [a] = await replicas('keyed:')
    await a!.getToken()
    const before = tokenHits()
    const store = redisStore(await connect(), { prefix: 'keyed:' })
    // Same client id and slot, a different credential: the entry does not open.
    const stranger = createTokenClient(options({ store, clientSecret: 'not-the-secret' }))
    await expect(stranger.getToken()).rejects.toBeInstanceOf(TokenRequestError)
    expect(tokenHits() - before).toBe(1)
  })

  it('Redis killed: tokens are still obtained (per replica), one warning, and sharing resumes', async () => {
    const events: StoreFallbackEvent[] = []
    const fleet = await replicas('outage:', { onStoreFallback: (e) => void events.push(e) })
    await redis.server.kill()
    const down = await burst(fleet)
    expect(down.distinct).toBeGreaterThanOrEqual(1)
    expect(down.requests).toBeLessThanOrEqual(3) // each replica's own single flight still holds
    // Each replica notices once (its own client, its own fallback).
    expect(events.length).toBeGreaterThanOrEqual(1)
    expect(events.length).toBeLessThanOrEqual(3)
    expect(events.every((e) => e.state === 'unavailable')).toBe(true)
    expect(warnings.messages).toHaveLength(events.length) // each fallback warns once
    await redis.server.restart()
    await new Promise((r) => setTimeout(r, 1500))
    const after = await replicas('outage-after:')
    expect(await burst(after)).toEqual({ distinct: 1, requests: 1 })
  })
})

describe('token clients sharing a 3-master Redis Cluster', () => {
  const redis = useRedisCluster()
  const clusters: Array<ReturnType<typeof createCluster>> = []
  afterAll(() => clusters.forEach((c) => c.destroy()))

  it('3 replicas × 50 concurrent getToken() make exactly 1 token request', async () => {
    const fleet = await Promise.all(
      [1, 2, 3].map(async () => {
        const cluster = await createCluster({ rootNodes: [...redis.cluster.rootNodes] }).connect()
        clusters.push(cluster)
        return createTokenClient(options({ store: redisStore(cluster, { prefix: 'c:' }) }))
      }),
    )
    expect(await burst(fleet)).toEqual({ distinct: 1, requests: 1 })
  })
})
