import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createCluster, RESP_TYPES } from 'redis'
import { redisStore } from '@m2m-auth/redis'
import { useRedis, useRedisCluster } from '../../../test/support/redis.js'
import { storeContract } from '../../../test/support/store-contract.js'

type Client = ReturnType<typeof createClient>
type Cluster = ReturnType<typeof createCluster>

describe('redisStore on a single redis-server', () => {
  const redis = useRedis()
  let client: Client
  beforeAll(async () => {
    client = await createClient({ url: redis.server.url }).connect()
  })
  afterAll(() => client?.destroy())

  storeContract(() => redisStore(client, { prefix: 'contract:' }))

  it('prefixes every key, and gives every key a TTL', async () => {
    const store = redisStore(client, { prefix: 'calendar:' })
    await store.increment('lockout:{abc}:tries', 1, 60_000)
    await store.set('k:{abc}', 'v', 60_000)
    await store.setIfAbsent('lease:{abc}', 'me', 60_000)
    const keys = await client.keys('calendar:*')
    expect(keys.sort()).toEqual([
      'calendar:k:{abc}',
      'calendar:lease:{abc}',
      'calendar:lockout:{abc}:tries',
    ])
    for (const key of keys) expect(await client.pTTL(key)).toBeGreaterThan(0)
  })

  it('sends its scripts again after Redis forgets them (SCRIPT FLUSH, a restart)', async () => {
    const store = redisStore(client, { prefix: 'flush:' })
    expect(await store.increment('n:{x}', 1, 60_000)).toBe(1)
    await client.scriptFlush()
    expect(await store.increment('n:{x}', 1, 60_000)).toBe(2)
    expect(await store.deleteIfEquals('n:{x}', '2')).toBe(true)
  })

  it('reads values from a client that maps bulk strings to Buffers (a lock must never read as absent)', async () => {
    const buffers = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
    const store = redisStore(buffers, { prefix: 'buffers:' })
    await store.set('lock:{t}', '1796405903348', 60_000)
    expect(await store.get('lock:{t}')).toBe('1796405903348')
    expect(await store.get('absent:{t}')).toBeUndefined()
  })

  it('refuses what is not a client, and a prefix that would break hash tags', () => {
    expect(() => redisStore({})).toThrow(TypeError)
    expect(() => redisStore(client, { prefix: 'a{b}:' })).toThrow('"prefix"')
  })
})

describe('redisStore on a 3-master Redis Cluster', () => {
  const redis = useRedisCluster()
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await createCluster({ rootNodes: [...redis.cluster.rootNodes] }).connect()
  })
  afterAll(() => cluster?.destroy())

  storeContract(() => redisStore(cluster, { prefix: 'contract:' }))

  it('keeps the keys of one hash tag in one slot, and spreads tags over the masters', async () => {
    const store = redisStore(cluster, { prefix: 'svc:' })
    for (let i = 0; i < 30; i++) {
      await store.increment(`lockout:{till-${i}}:tries`, 1, 60_000)
      await store.increment(`lockout:{till-${i}}:fails`, 1, 60_000)
    }
    const perNode = await Promise.all(
      cluster.masters.map(async (master) => (await cluster.nodeClient(master)).keys('svc:*')),
    )
    expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1)
    expect(perNode.flat()).toHaveLength(60)
    for (const keys of perNode) {
      for (const key of keys)
        expect(keys).toContain(
          key.replace(/:(tries|fails)$/, (_, k: string) => (k === 'tries' ? ':fails' : ':tries')),
        )
    }
  })
})
