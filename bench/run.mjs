// `pnpm bench`: every target against the same loopback issuer, in one run.
//   --quick      one short round (a smoke test of the harness; figures are noisy)
//   --wrk        use wrk instead of autocannon as the load generator (if installed)
//   --no-write   print the report without writing docs/benchmarks.md
//   --only hot,cold,inprocess,memory,fleet,telemetry,dpop
//                run only those sections and rewrite only them in docs/benchmarks.md
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportJWK } from 'jose'
import { spliceBlocks } from './lib/doc-blocks.mjs'
import { startIssuer } from './lib/issuer.mjs'
import { autocannonLoad, wrkLoad } from './lib/load.mjs'
import { parseOptions } from './lib/options.mjs'
import { canPin, pinSelf } from './lib/targets.mjs'
import { renderReport } from './lib/report.mjs'
import { LOAD_CPU, runWorkload, SERVER_CPU } from './lib/workload.mjs'
import { runDpopWorkload } from './lib/dpop-workload.mjs'

const options = parseOptions(process.argv.slice(2))
const { quick, sections } = options
const settings = {
  rounds: quick ? 1 : 7,
  durationS: quick ? 1 : 2,
  warmupS: 1,
  coldTokens: quick ? 2_000 : 10_000,
  inProcessMs: quick ? 200 : 500,
  memoryTokens: quick ? 20_000 : 100_000,
  pairedRounds: quick ? 3 : 7,
  fleet: {
    replicas: 3,
    tills: quick ? 500 : 5_000,
    minutes: 10,
    // The default Basic cache TTL (60 s), and two longer than the tills' 1-minute interval.
    ttlsMs: [60_000, 120_000, 300_000],
  },
  generator: options.generator,
}
// The cold section's formula needs the in-process minimal check, measured in the same run.
const needsInProcess = sections.has('inprocess') || sections.has('cold')
const needsColdTokens = needsInProcess
const OUT = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url))

const log = (line) => process.stderr.write(`${line}\n`)

async function main() {
  const started = Date.now()
  const loadBefore = loadavg()[0]
  pinSelf(LOAD_CPU)
  const issuer = await startIssuer()
  const dir = await mkdtemp(join(tmpdir(), 'm2m-bench-'))
  try {
    const tokens = await mintTokens(issuer)
    const measured = await measure(issuer, tokens, dir)
    const { blocks, document } = renderReport({
      ...measured,
      settings,
      sections,
      pinned: canPin,
      elapsedS: (Date.now() - started) / 1000,
      loadBefore,
      loadAfter: loadavg()[0],
      date: new Date().toISOString().slice(0, 16).replace('T', ' '),
      command: options.command,
    })
    const text = document ?? spliceBlocks(await readFile(OUT, 'utf8'), blocks)
    process.stdout.write(document ?? blocks.map((b) => b.lines.join('\n')).join('\n') + '\n')
    if (options.write) {
      await writeFile(OUT, text)
      log(`wrote ${OUT}${document === undefined ? ` (sections: ${[...sections].join(', ')})` : ''}`)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
    await issuer.close()
  }
}

async function mintTokens(issuer) {
  log(`issuer ${issuer.issuer}; minting tokens`)
  const tokens = {}
  for (const alg of ['RS256', 'ES256']) {
    tokens[alg] = {
      hot: await issuer.mint(alg),
      cold: needsColdTokens ? await issuer.mintMany(alg, settings.coldTokens) : [],
    }
  }
  return tokens
}

/** Runs the selected sections' measurements; `{ throughput, inProcess, memory, fleet }`. */
async function measure(issuer, tokens, dir) {
  const load = settings.generator === 'wrk' ? wrkLoad : autocannonLoad
  const context = { issuer, load, settings }
  const throughput = []
  if (sections.has('hot') || sections.has('telemetry')) {
    const workload = { name: 'hot', alg: 'RS256', tokens: [tokens.RS256.hot] }
    throughput.push(...(await runWorkload(workload, { ...context, include: hotTargets })))
  }
  if (sections.has('cold')) {
    for (const alg of ['RS256', 'ES256']) {
      const workload = { name: 'cold', alg, tokens: tokens[alg].cold }
      throughput.push(...(await runWorkload(workload, { ...context, include: () => true })))
    }
  }
  const measured = { throughput }
  if (needsInProcess) {
    log('in-process ops/s')
    const inputFile = join(dir, 'input.json')
    await writeFile(inputFile, JSON.stringify(await childInput(issuer, tokens)))
    measured.inProcess = await runChild(['inprocess.mjs', inputFile])
  }
  if (sections.has('fleet')) {
    log('fleet: hot paths with and without a Redis store, then the fleet simulation')
    const fleetFile = join(dir, 'fleet.json')
    await writeFile(fleetFile, JSON.stringify(fleetInput(issuer, tokens)))
    measured.fleet = await runChild(['fleet.mjs', fleetFile])
  }
  if (sections.has('telemetry')) {
    log('telemetry: the hot path in-process without and with the OpenTelemetry SDK')
    const inputFile = join(dir, 'telemetry.json')
    await writeFile(inputFile, JSON.stringify(await childInput(issuer, tokens)))
    measured.telemetryInProcess = await runChild(['telemetry.mjs', inputFile])
  }
  if (sections.has('memory')) measured.memory = await measureMemory(issuer, dir)
  if (sections.has('dpop')) {
    log('dpop: a fresh DPoP proof per request, ours vs a minimal check in place; plain Bearer')
    measured.dpop = await runDpopWorkload(context)
  }
  return measured
}

/**
 * The hot workload's targets: all but the telemetry ones for the hot section; the bare
 * framework (twice), our adapter and our adapter with the SDK for the telemetry section.
 */
function hotTargets(target) {
  if (target.kind === 'telemetry') return sections.has('telemetry')
  if (sections.has('hot')) return true
  return ['bare', 'again', 'ours'].includes(target.kind)
}

async function measureMemory(issuer, dir) {
  log(`memory: ${settings.memoryTokens} distinct tokens`)
  // The memory child gets a small input of its own: token lists would sit in its heap as a
  // parsed-then-dropped string and blur the baseline.
  const memoryFile = join(dir, 'memory.json')
  await writeFile(
    memoryFile,
    JSON.stringify({
      issuer: issuer.issuer,
      audience: issuer.audience,
      memoryTokens: settings.memoryTokens,
      memory: await memoryKey(issuer),
    }),
  )
  return runChild(['--expose-gc', 'memory.mjs', memoryFile])
}

const memoryKey = async (issuer) => ({
  kid: issuer.keys.ES256.kid,
  privateJwk: await exportJWK(issuer.keys.ES256.privateKey),
})

async function childInput(issuer, tokens) {
  const algs = {}
  for (const alg of ['RS256', 'ES256']) {
    algs[alg] = { jwk: issuer.keys[alg].jwk, hot: tokens[alg].hot, cold: tokens[alg].cold }
  }
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    durationMs: settings.inProcessMs,
    pairedRounds: settings.pairedRounds,
    memoryTokens: settings.memoryTokens,
    algs,
    memory: await memoryKey(issuer),
  }
}

function fleetInput(issuer, tokens) {
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    token: tokens.RS256.hot,
    durationMs: settings.inProcessMs,
    pairedRounds: settings.pairedRounds,
    fleet: settings.fleet,
  }
}

/** Runs a node script pinned next to the servers; resolves to the JSON it prints. */
function runChild(nodeArgs) {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const argv = [process.execPath, ...nodeArgs]
  const command = canPin ? ['taskset', '-c', String(SERVER_CPU), ...argv] : argv
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: here,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out))
        : reject(new Error(`${nodeArgs.join(' ')} exited ${code}`)),
    )
  })
}

main().catch((error) => {
  log(`bench failed: ${error.stack ?? error}`)
  process.exit(1)
})
