import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { createAuthenticator, memoryTillStore, type Authenticator } from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { ADAPTERS, send, startApp, type RunningApp } from './support/apps.js'
import { BASIC_CASES, DEPRECATION } from './support/basic-cases.js'
import { BEARER_CASES, type RequestCase } from './support/cases.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from './support/issuer.js'
import { startProxy, type FaultProxy } from './support/proxy.js'
import { useRedis } from './support/redis.js'
import {
  mintPosTokens,
  POS_CLIENTS,
  POS_RESOURCES,
  testTills,
  type PosTokens,
} from './support/tills.js'
import { mintTokens, type TokenSet } from './support/tokens.js'

// The shared case tables once more, with every authenticator on a real Redis store: what users
// rely on must not change when state moves to the fleet.
const redis = useRedis()
let client: ReturnType<typeof createClient>
let issuer: TestIssuer
let posIssuer: TestIssuer
let foreign: TestIssuer
let deadProxy: FaultProxy
let tokens: TokenSet
let posTokens: PosTokens
let authenticators: (prefix: string) => Promise<Record<'main' | 'down' | 'pos', Authenticator>>

beforeAll(async () => {
  client = createClient({ url: redis.server.url })
  client.on('error', () => undefined)
  await client.connect()
  ;[issuer, foreign, posIssuer, deadProxy] = await Promise.all([
    startIssuer(),
    startIssuer(),
    startIssuer({ clients: POS_CLIENTS, resources: POS_RESOURCES }),
    startProxy(),
  ])
  deadProxy.mode = 'down'
  tokens = await mintTokens(issuer, foreign, DEFAULT_RESOURCE)
  posTokens = await mintPosTokens(posIssuer)
  authenticators = async (prefix) => {
    const store = redisStore(client, { prefix })
    return {
      main: createAuthenticator({
        bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
        store,
      }),
      down: createAuthenticator({
        bearer: {
          issuer: issuer.issuer,
          audience: DEFAULT_RESOURCE,
          jwksUri: `${deadProxy.url}/jwks`,
        },
        store,
      }),
      pos: createAuthenticator({
        bearer: { issuer: posIssuer.issuer, audience: DEFAULT_RESOURCE },
        basic: {
          tills: memoryTillStore(await testTills()),
          mode: 'deprecate',
          deprecation: DEPRECATION,
          lockout: { maxFailures: 3, windowMs: 60_000, coolDownMs: 600 },
        },
        attribution: { scope: 'pos.attribute' },
        store,
      }),
    }
  }
})

afterAll(async () => {
  await Promise.all([
    issuer?.close(),
    foreign?.close(),
    posIssuer?.close(),
    deadProxy?.close(),
    tokens?.close(),
  ])
  client?.destroy()
})

async function check<T>(app: RunningApp, adapter: string, c: RequestCase<T>, t: T): Promise<void> {
  const res = await send(app.url + c.path, { method: c.method, headers: c.headers(t) })
  expect(res.status).toBe(c.status)
  expect(res.headers['www-authenticate']).toBe(c.challenge)
  for (const [name, value] of Object.entries(c.responseHeaders ?? {})) {
    expect(res.headers[name], name).toBe(value)
  }
  expect(res.text).not.toMatch(/eyJ|[0-9a-f]{32}|\bat \w+ \(|Error:/)
  if (c.principal) return void expect(res.json).toEqual(c.principal)
  if (adapter === 'koa') expect(res.text).toBe(c.description)
  else expect(res.json).toEqual({ error: c.error, error_description: c.description })
}

describe.each(ADAPTERS)('%s adapter with a Redis store', (adapter) => {
  let bearerApp: RunningApp
  let posApp: RunningApp
  beforeAll(async () => {
    // A prefix per adapter: each adapter's failing cases count on their own lockout.
    const apps = await authenticators(`cases-${adapter}:`)
    bearerApp = await startApp(adapter, { main: apps.main, down: apps.down })
    posApp = await startApp(adapter, { main: apps.main, down: apps.main, pos: apps.pos })
  })
  afterAll(() => Promise.all([bearerApp?.close(), posApp?.close()]))

  it.each(BEARER_CASES.map((c) => [c.name, c] as const))('%s', (_n, c: RequestCase) =>
    check(bearerApp, adapter, c, tokens),
  )
  it.each(BASIC_CASES.map((c) => [c.name, c] as const))('%s', (_n, c: RequestCase<PosTokens>) =>
    check(posApp, adapter, c, posTokens),
  )
})
