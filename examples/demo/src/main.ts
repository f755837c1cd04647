// The one-command demo: `pnpm demo` (or `FRAMEWORK=koa pnpm demo`, `pnpm demo --serve`).
import './quiet-issuer.js'
import { parseArgs } from 'node:util'
import { overview } from './overview.js'
import { playScenario, summary } from './scenario.js'
import { curlHints } from './serve-hints.js'
import { startWorld } from './world.js'

const USAGE = `usage: pnpm demo [--serve]

Starts a local issuer and example services on 127.0.0.1, plays the scenario and prints what
was allowed and refused, and why. Exits 0 when every outcome is as expected.
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
  const world = await startWorld(process.env.FRAMEWORK)
  let keepRunning = false
  try {
    overview(world).forEach(print)
    const outcomes = await playScenario(world, print)
    print('')
    for (const o of outcomes.filter((x) => !x.ok))
      print(`step ${o.number} (${o.title}): ${o.mismatch}`)
    print(summary(outcomes))
    const code = outcomes.every((o) => o.ok) ? 0 : 1
    if (values.serve) {
      print('')
      curlHints(world).forEach(print)
      keepRunning = true
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
    }
    return code
  } finally {
    if (keepRunning) print('stopping...')
    await world.close()
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
