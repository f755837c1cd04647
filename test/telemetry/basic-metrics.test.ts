import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { redisStore } from '@m2m-auth/redis'
import { ADAPTERS, send, startApp, type RunningApp } from '../support/apps.js'
import { useRedis } from '../support/redis.js'
import { basicAuth, md5, PASSWORDS } from '../support/tills.js'
import { captureWarnings } from '../support/warnings.js'
import { useTelemetryFixture } from './fixture.js'
import { delta, registerMetrics } from './metric-reader.js'

const meter = registerMetrics()
const fixture = useTelemetryFixture()
const redis = useRedis()
// A store outage warns on purpose (resilient-store.ts); the test asserts it instead of printing it.
const warnings = captureWarnings()

const USES = 'm2m_auth.legacy_basic.uses'
const CACHE = 'm2m_auth.cache.lookups'
const till = (id: string, password = PASSWORDS[id]!) => basicAuth(id, md5(password))
const outcome = (result: string, code?: string): Record<string, string> => ({
  'm2m_auth.scheme': 'basic',
  'm2m_auth.outcome': result,
  ...(code === undefined ? {} : { 'error.type': code }),
})

describe.each(ADAPTERS)('Basic metrics through %s', (adapter) => {
  let app: RunningApp
  let tillIdApp: RunningApp

  beforeAll(async () => {
    app = await startApp(adapter, fixture.authenticators())
    const withIds = fixture.authenticators({ basic: { metrics: { tillIds: true } } })
    tillIdApp = await startApp(adapter, withIds)
  })
  afterAll(async () => {
    await Promise.all([app?.close(), tillIdApp?.close()])
  })

  const stock = async (target: RunningApp, headers: Record<string, string>): Promise<number> =>
    (await send(`${target.url}/stock`, { headers })).status

  it('counts legacy Basic uses per till store with no till id, the till cache, and Basic outcomes', async () => {
    const before = await meter.collect()
    const statuses = [
      await stock(app, till('T-100')),
      await stock(app, till('T-100')),
      await stock(app, till('T-WEAK')),
      await stock(app, till('T-101', 'not the password')),
      await stock(app, till('T-MIGRATED')),
    ]
    const after = await meter.collect()

    expect(statuses).toEqual([200, 200, 200, 401, 401])
    expect(after.kind(USES)?.kind).toBe('counter')
    expect(delta(before, after, USES, { 'm2m_auth.till.store': 'S-1' })).toBe(2)
    // A till with no store in its record is counted under "none".
    expect(delta(before, after, USES, { 'm2m_auth.till.store': 'none' })).toBe(1)
    // Tallies are per process: only what these requests added is this authenticator's.
    const grown = after.instruments.flatMap((name) =>
      after.points(name).filter((p) => p.value > before.value(name, p.attributes)),
    )
    expect(grown.length).toBeGreaterThan(0)
    for (const { attributes } of grown) {
      expect(attributes).not.toHaveProperty('m2m_auth.till.id')
      expect(Object.values(attributes).join(' ')).not.toMatch(/T-(100|101|WEAK|MIGRATED)/)
    }
    expect(
      delta(before, after, CACHE, { 'm2m_auth.cache': 'till', 'm2m_auth.result': 'miss' }),
    ).toBe(4)
    expect(
      delta(before, after, CACHE, { 'm2m_auth.cache': 'till', 'm2m_auth.result': 'hit' }),
    ).toBe(1)
    expect(delta(before, after, 'm2m_auth.authentications', outcome('allowed'))).toBe(3)
    const refused = (code: string) =>
      delta(before, after, 'm2m_auth.authentications', outcome('refused', code))
    expect(refused('ERR_CREDENTIALS_INVALID')).toBe(1)
    expect(refused('ERR_TILL_MIGRATED')).toBe(1)
  })

  it('adds m2m_auth.till.id to legacy Basic uses only with basic.metrics.tillIds', async () => {
    const before = await meter.collect()
    expect(await stock(tillIdApp, till('T-102'))).toBe(200)
    expect(await stock(app, till('T-103'))).toBe(200)
    const after = await meter.collect()

    const withId = { 'm2m_auth.till.store': 'S-1', 'm2m_auth.till.id': 'T-102' }
    expect(delta(before, after, USES, withId)).toBe(1)
    expect(
      delta(before, after, USES, { 'm2m_auth.till.store': 'S-1', 'm2m_auth.till.id': 'T-103' }),
    ).toBe(0)
    expect(delta(before, after, USES, { 'm2m_auth.till.store': 'S-1' })).toBe(1)
  })

  it('counts one lockout when a till reaches maxFailures, then refuses it as ERR_TILL_LOCKED', async () => {
    const before = await meter.collect()
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push(await stock(app, till('T-LOCK', `wrong ${i}`)))
    const after = await meter.collect()

    expect(statuses).toEqual([401, 401, 401, 401])
    expect(after.kind('m2m_auth.basic.lockouts')?.kind).toBe('counter')
    expect(delta(before, after, 'm2m_auth.basic.lockouts', {})).toBe(1)
    const refused = (code: string) =>
      delta(before, after, 'm2m_auth.authentications', outcome('refused', code))
    expect(refused('ERR_CREDENTIALS_INVALID')).toBe(3)
    expect(refused('ERR_TILL_LOCKED')).toBe(1)
  })

  it('counts a store fallback when Redis dies, and its recovery when Redis is back', async () => {
    const client = createClient({
      url: redis.server.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 50 },
    })
    client.on('error', () => undefined)
    await client.connect()
    const shared = await startApp(
      adapter,
      fixture.authenticators({ store: redisStore(client, { prefix: `${adapter}:` }) }),
    )
    let killed = false
    try {
      const fallback = (state: string) => ({ 'm2m_auth.state': state })
      const before = await meter.collect()
      expect(await stock(shared, till('T-100'))).toBe(200)
      await redis.server.kill()
      killed = true
      expect(await stock(shared, till('T-101'))).toBe(200) // answered from in-process state
      const down = await meter.collect()
      expect(delta(before, down, 'm2m_auth.store.fallbacks', fallback('unavailable'))).toBe(1)
      expect(delta(before, down, 'm2m_auth.store.fallbacks', fallback('recovered'))).toBe(0)

      await redis.server.restart()
      killed = false
      // Each failed attempt on an unknown till touches the store (its lockout counter) until the
      // store is tried again, one `retryAfterMs` after the outage, and answers.
      let recovered = 0
      for (let i = 0; recovered === 0 && i < 100; i++) {
        expect(await stock(shared, till(`T-NOBODY-${i}`, 'x'))).toBe(401)
        recovered = delta(
          before,
          await meter.collect(),
          'm2m_auth.store.fallbacks',
          fallback('recovered'),
        )
        if (recovered === 0) await delay(50)
      }
      expect(recovered).toBe(1)
      expect((await meter.collect()).kind('m2m_auth.store.fallbacks')?.kind).toBe('counter')
      expect(warnings.messages).toEqual([
        expect.stringContaining('the shared store is unavailable'),
        expect.stringContaining('the shared store is back'),
      ])
    } finally {
      if (killed) await redis.server.restart() // the next adapter gets a live Redis either way
      await shared.close()
      client.destroy()
    }
  })
})
