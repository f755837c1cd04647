// The one-command demo: `pnpm demo` (or `FRAMEWORK=koa pnpm demo`, `pnpm demo --serve`).
import './quiet-issuer.js'
import { parseArgs } from 'node:util'
import { FLEET } from './fleet.js'
import { startMetrics, type DemoMetrics } from './metrics.js'
import { migrationTable } from './migration-table.js'
import { overview } from './overview.js'
import { parseScrape } from './prometheus-text.js'
import { playScenario, summary } from './scenario.js'
import { curlHints } from './serve-hints.js'
import { startWorld, type World } from './world.js'

const USAGE = `usage: pnpm demo [--serve]

Starts a local issuer and example services on 127.0.0.1, plays the scenario and prints what
was allowed and refused, and why, then Basic vs OAuth per store from its own Prometheus
metrics (served on 127.0.0.1, URL printed). Exits 0 when every outcome is as expected.
  --serve   keep everything running afterwards and print curl commands to try
  FRAMEWORK=express|koa|fastify picks the framework for every service (default express)
`

const print = (line: string): void => void process.stdout.write(`${line}\n`)

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { serve: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  })
  if (values.help) {
    print(USAGE)
    return 0
  }
  // The SDK first, as an application does: authenticators record through the global provider.
  const telemetry = await startMetrics()
  const world = await startWorld(process.env.FRAMEWORK).catch(async (error: unknown) => {
    await telemetry.close()
    throw error
  })
  let keepRunning = false
  try {
    overview(world, telemetry.url).forEach(print)
    const outcomes = await playScenario(world, print)
    print('')
    for (const line of await whoUsesBasic(telemetry)) print(line)
    print('')
    for (const o of outcomes.filter((x) => !x.ok))
      print(`step ${o.number} (${o.title}): ${o.mismatch}`)
    print(summary(outcomes))
    const code = outcomes.every((o) => o.ok) ? 0 : 1
    if (values.serve) {
      keepRunning = true
      await serve(world, telemetry.url)
    }
    return code
  } finally {
    if (keepRunning) print('stopping...')
    await world.close()
    await telemetry.close()
  }
}

/** Prints what to try against the running demo, and waits for Ctrl+C. */
async function serve(world: World, metricsUrl: string): Promise<void> {
  print('')
  curlHints(world, metricsUrl).forEach(print)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
}

/** The migration view, from the demo's own /metrics; a failed scrape is one line, not a crash. */
async function whoUsesBasic(telemetry: DemoMetrics): Promise<string[]> {
  const stores = [...new Set(FLEET.map((t) => t.store))]
  try {
    return migrationTable(parseScrape(await telemetry.scrape()), stores, telemetry.url)
  } catch (error) {
    return [
      `Basic vs OAuth per store: could not read ${telemetry.url}: ${(error as Error).message}`,
    ]
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Start-up problems (a taken port, a bad FRAMEWORK) in one line, without a stack trace.
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(2)
  },
)
