import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RESOURCE, type TestIssuer } from '../support/issuer.js'
import { startRedis, startRedisCluster, type RedisServer } from '../support/redis.js'
import { findLeak } from '../support/leaks.js'
import { startReplicas, type Replicas } from '../support/replicas.js'
import { basicAuth, md5, PASSWORDS } from '../support/tills.js'
import {
  get,
  INTROSPECTION_PATH,
  INTROSPECTOR,
  MAX_FAILURES,
  OUTBOUND,
  replicaEnv,
  startFleetIssuer,
  TOKEN_PATH,
  waitForRedis,
  writeTillsFile,
  type RedisTarget,
  type Reply,
} from './fleet-fixture.js'

// Three real service processes over one real Redis, one real issuer behind the counting proxy.
const REPLICAS = 3
// Past the shared store's 1 s back-off after its last failure (core's resilientStore).
const STORE_RETRY_MS = 1_200

let issuer: TestIssuer
let dir: string
let tillsFile: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm2m-auth-fleet-'))
  ;[issuer, tillsFile] = await Promise.all([startFleetIssuer(), writeTillsFile(dir)])
})
afterAll(async () => {
  await issuer?.close()
  await rm(dir, { recursive: true, force: true })
})

// What must never reach a replica's log: client secrets, till passwords, tokens the test minted.
const secrets: string[] = [
  OUTBOUND.client_secret,
  INTROSPECTOR.client_secret,
  ...Object.values(PASSWORDS).flatMap((password) => [password, md5(password)]),
]

const stock = (url: string, headers: Record<string, string>): Promise<Reply> =>
  get(`${url}/stock`, headers)
const right = (tillId: string) => basicAuth(tillId, md5(PASSWORDS[tillId]!))
const wrong = (tillId: string, i: number) => basicAuth(tillId, md5(`wrong guess ${i}`))

/** Starts a fleet in beforeAll; checks after each test that no replica crashed. */
function useFleet(target: () => Promise<RedisTarget>, prefix: string): { fleet: Replicas } {
  const state = {} as { fleet: Replicas }
  beforeAll(async () => {
    state.fleet = await startReplicas(
      REPLICAS,
      replicaEnv(issuer, tillsFile, await target(), prefix),
    )
  })
  afterEach(() => {
    const log = state.fleet.diagnostics()
    expect(state.fleet.problems(), log).toEqual([])
    expect(findLeak(log, secrets), 'a replica logged a secret or a token').toBeUndefined()
  })
  afterAll(() => state.fleet?.close())
  return state
}

/** 12 wrong guesses round-robin: the fleet counts them together, then refuses even the right one. */
async function expectFleetLockout(fleet: Replicas, tillId: string): Promise<void> {
  const { urls } = fleet
  const replies: Reply[] = []
  for (let i = 0; i < MAX_FAILURES + 2; i++)
    replies.push(await stock(urls[i % urls.length]!, wrong(tillId, i)))
  for (const reply of replies.slice(0, MAX_FAILURES)) {
    expect(reply.status, fleet.diagnostics()).toBe(401)
    expect(reply.body, fleet.diagnostics()).toEqual({
      error: 'invalid_token',
      error_description: 'the till credentials are invalid',
    })
  }
  const locked = [
    ...replies.slice(MAX_FAILURES),
    ...(await Promise.all(urls.map((url) => stock(url, right(tillId))))),
  ]
  for (const reply of locked) {
    expect(reply.status, fleet.diagnostics()).toBe(401)
    expect(reply.body.error_description, fleet.diagnostics()).toMatch(/^too many failed attempts/)
  }
}

/**
 * 50 concurrent getToken() in every replica at once: one token request, one token. `&fresh=1`
 * makes every replica drop the token it holds first.
 */
async function expectOneTokenForTheFleet(fleet: Replicas, query = ''): Promise<void> {
  const { urls } = fleet
  const before = issuer.proxy.hitsFor(TOKEN_PATH)
  const replies = await Promise.all(urls.map((url) => get(`${url}/tokens?n=50${query}`)))
  const bodies = replies.map((r) => r.body)
  expect(bodies[0]).toMatchObject({ distinct: 1, fingerprints: [expect.any(String)] })
  // Every replica holds the same single token (compared by SHA-256; no token in a response).
  expect(bodies, fleet.diagnostics()).toEqual(urls.map(() => bodies[0]))
  expect(issuer.proxy.hitsFor(TOKEN_PATH) - before, fleet.diagnostics()).toBe(1)
}

describe('a fleet of 3 replicas over one redis-server', () => {
  let redis: RedisServer
  const state = useFleet(async () => {
    redis = await startRedis()
    return { REDIS_URL: redis.url }
  }, 'fleet:')
  afterAll(() => redis?.close())

  it('locks a till out on every replica after 10 wrong guesses spread round-robin', async () => {
    await expectFleetLockout(state.fleet, 'T-100')
  })

  it('3 processes x 50 concurrent getToken() make exactly one token request', async () => {
    await expectOneTokenForTheFleet(state.fleet)
  })

  it('introspects an opaque token once for the whole fleet', async () => {
    const opaque = await issuer.token('stock-reader', { scope: 'stock.read', resource: null })
    secrets.push(opaque)
    expect(opaque.split('.')).toHaveLength(1)
    const before = issuer.proxy.hitsFor(INTROSPECTION_PATH)
    const bearer = { authorization: `Bearer ${opaque}` }
    for (let round = 0; round < 2; round++) {
      const replies = await Promise.all(state.fleet.urls.map((url) => stock(url, bearer)))
      for (const reply of replies) expect(reply.body).toEqual({ subject: 'stock-reader' })
    }
    expect(issuer.proxy.hitsFor(INTROSPECTION_PATH) - before, state.fleet.diagnostics()).toBe(1)
  })

  it('keeps answering without 5xx while Redis is down, and shares again once it is back', async () => {
    const { urls } = state.fleet
    const jwt = await issuer.token('stock-reader', {
      scope: 'stock.read',
      resource: DEFAULT_RESOURCE,
    })
    secrets.push(jwt)
    await redis.kill()
    const during = await Promise.all(
      urls.flatMap((url) => [
        stock(url, { authorization: `Bearer ${jwt}` }),
        stock(url, right('T-101')),
        stock(url, wrong('T-101', 0)),
        // Not the cached token: each replica needs a new one while the store is away.
        get(`${url}/tokens?n=5&fresh=1`),
      ]),
    )
    expect(during.map((r) => r.status)).toEqual(urls.flatMap(() => [200, 200, 401, 200]))
    for (const reply of during.filter((_, i) => i % 4 === 3))
      expect(reply.body).toMatchObject({ distinct: 1 })
    await redis.restart()
    await waitForRedis(urls)
    await delay(STORE_RETRY_MS)
    await expectFleetLockout(state.fleet, 'T-102')
    await expectOneTokenForTheFleet(state.fleet, '&fresh=1')
  })

  it('every replica exits 0 on SIGTERM', async () => {
    expect(await state.fleet.close()).toEqual([])
  })
})

describe('a fleet of 3 replicas over a 3-master Redis Cluster', () => {
  let close: (() => Promise<void>) | undefined
  const state = useFleet(async () => {
    const cluster = await startRedisCluster({ masters: 3 })
    close = () => cluster.close()
    return { REDIS_CLUSTER_NODES: cluster.rootNodes.map((n) => n.url).join(',') }
  }, 'cluster:')
  afterAll(() => close?.())

  it('locks a till out on every replica after 10 wrong guesses spread round-robin', async () => {
    await expectFleetLockout(state.fleet, 'T-100')
  })

  it('3 processes x 50 concurrent getToken() make exactly one token request', async () => {
    await expectOneTokenForTheFleet(state.fleet)
  })
})
