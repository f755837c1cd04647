// The demo's own filter for oidc-provider's two known development notices, before it loads.
import '../src/quiet-issuer.js'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { createAuthenticator, type StoreFallbackEvent } from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { startRedis, type RedisServer } from '../../../test/support/redis.js'
import { captureWarnings } from '../../../test/support/warnings.js'
import { demoTillStore, TILL_PASSWORDS, tillBasic } from '../src/fleet.js'
import { startMetrics, type DemoMetrics } from '../src/metrics.js'
import { migrationTable } from '../src/migration-table.js'
import { parseScrape, type Sample } from '../src/prometheus-text.js'
import { scenarioSteps } from '../src/scenario.js'
import { startWorld, type World } from '../src/world.js'
import { labelNames, labelValuesQuery, metricNames } from './promql.js'

const DASHBOARD = new URL('../../../docs/grafana/m2m-auth-dashboard.json', import.meta.url)
// Labels Prometheus adds when it scrapes a target; no exporter sends them.
const TARGET_LABELS = new Set(['job', 'instance'])

interface Dashboard {
  panels: { title: string; type: string; targets?: { expr: string }[] }[]
  templating: { list: { name: string; query?: string | { query: string } }[] }
}

// A store outage warns once, by design; it is asserted through onStoreFallback instead.
captureWarnings()
let telemetry: DemoMetrics
let world: World
let redis: RedisServer
let afterScenario: Sample[]
let exported: Sample[]
const fallbacks: StoreFallbackEvent[] = []

// The demo's wiring (SDK + Prometheus exporter registered first), the demo's services and
// scenario, then one store outage (a real redis-server, paused) so the fallback counter exists.
beforeAll(async () => {
  telemetry = await startMetrics()
  world = await startWorld('express')
  // Every step but the last, which only waits for a token to expire.
  for (const step of scenarioSteps(() => undefined).slice(0, -1)) await step.run(world)
  afterScenario = parseScrape(await telemetry.scrape())
  await storeOutage()
  exported = parseScrape(await telemetry.scrape())
}, 60_000)

afterAll(async () => {
  await world?.close()
  await redis?.close()
  await telemetry?.close()
})

async function storeOutage(): Promise<void> {
  redis = await startRedis()
  const client = createClient({ url: redis.url })
  client.on('error', () => undefined)
  await client.connect()
  const authenticator = createAuthenticator({
    basic: { tills: await demoTillStore() },
    store: redisStore(client, { prefix: 'dashboard:' }),
    onStoreFallback: (event) => void fallbacks.push(event),
  })
  redis.pause() // a hung Redis: the store call misses its deadline
  try {
    await authenticator.authenticate({ authorization: tillBasic('T-1', TILL_PASSWORDS['T-1']) })
  } finally {
    redis.resume()
    client.destroy()
  }
}

const dashboard = async (): Promise<Dashboard> =>
  JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard

describe('docs/grafana/m2m-auth-dashboard.json', () => {
  it('names, in every panel query, only metrics the demo really exports', async () => {
    expect(fallbacks.map((e) => e.state)).toContain('unavailable')
    const names = new Set(exported.map((s) => s.name))
    const queries = (await dashboard()).panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
    )
    expect(queries.length).toBeGreaterThanOrEqual(8)
    const missing = queries.flatMap(({ panel, expr }) => {
      const used = metricNames(expr)
      if (used.length === 0) return [`${panel}: no metric in ${expr}`]
      return used.filter((name) => !names.has(name)).map((name) => `${panel}: ${name}`)
    })
    expect(missing).toEqual([])
  })

  it('filters and groups only by labels the queried metrics carry', async () => {
    const missing = (await dashboard()).panels.flatMap((p) =>
      (p.targets ?? []).flatMap(({ expr }) => {
        const samples = exported.filter((s) => metricNames(expr).includes(s.name))
        return labelNames(expr)
          .filter((label) => !TARGET_LABELS.has(label))
          .filter((label) => !samples.some((s) => label in s.labels))
          .map((label) => `${p.title}: ${label}`)
      }),
    )
    expect(missing).toEqual([])
  })

  it('builds its variables from an exported metric', async () => {
    const queries = (await dashboard()).templating.list
      .map((v) => (typeof v.query === 'object' ? v.query.query : undefined))
      .filter((q) => q !== undefined)
    expect(queries).not.toEqual([])
    for (const query of queries) {
      const parsed = labelValuesQuery(query)
      expect(parsed, query).toBeDefined()
      expect(exported.map((s) => s.name)).toContain(parsed!.metric)
    }
  })
})

describe("the demo's migration table", () => {
  it('counts Basic logins per till store and OAuth as one total, from its own scrape', () => {
    const lines = migrationTable(afterScenario, ['S-1', 'S-2'], telemetry.url)
    // Step 7: till T-1 (store S-1) on Basic; T-2 had the wrong password, T-3 is migrated.
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}S-1\s+1\s+n\/a$/))
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}S-2\s+0\s+n\/a$/))
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}all\s+1\s+[1-9]\d*$/))
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}Basic refused: 2 \(/))
  })
})

describe('reading PromQL', () => {
  it('finds metric names, not functions, labels, ranges or variables', () => {
    const expr =
      'histogram_quantile(0.95, sum by (le, m2m_auth_scheme) (rate(a_bucket{job=~"$job",x="y z"}[$__rate_interval]))) / ignoring(le) (b_total or vector(0)) and on (k) c'
    expect(metricNames(expr)).toEqual(['a_bucket', 'b_total', 'c'])
    expect(labelNames(expr).sort()).toEqual(['job', 'k', 'le', 'm2m_auth_scheme', 'x'])
  })
})
