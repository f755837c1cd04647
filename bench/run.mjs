// `pnpm bench`: every target against the same loopback issuer, in one run.
//   --quick      one short round (a smoke test of the harness; figures are noisy)
//   --wrk        use wrk instead of autocannon as the load generator (if installed)
//   --no-write   print the report without writing docs/benchmarks.md
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportJWK } from 'jose'
import { startIssuer, tamper } from './lib/issuer.mjs'
import { autocannonLoad, wrkLoad } from './lib/load.mjs'
import { canPin, checkTarget, cpuSeconds, pinSelf, startTarget, TARGETS } from './lib/targets.mjs'
import { renderReport } from './lib/report.mjs'

const args = new Set(process.argv.slice(2))
const quick = args.has('--quick')
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
  generator: args.has('--wrk') ? 'wrk' : 'autocannon',
}
const SERVER_CPU = 1
const LOAD_CPU = 0

const log = (line) => process.stderr.write(`${line}\n`)

async function main() {
  const started = Date.now()
  const loadBefore = loadavg()[0]
  pinSelf(LOAD_CPU)
  const issuer = await startIssuer()
  log(`issuer ${issuer.issuer}; minting tokens`)
  const tokens = {}
  for (const alg of ['RS256', 'ES256']) {
    tokens[alg] = {
      hot: await issuer.mint(alg),
      cold: await issuer.mintMany(alg, settings.coldTokens),
    }
  }
  const workloads = [
    { name: 'hot', alg: 'RS256', tokens: [tokens.RS256.hot] },
    { name: 'cold', alg: 'RS256', tokens: tokens.RS256.cold },
    { name: 'cold', alg: 'ES256', tokens: tokens.ES256.cold },
  ]
  const load = settings.generator === 'wrk' ? wrkLoad : autocannonLoad
  const throughput = []
  try {
    for (const workload of workloads)
      throughput.push(...(await runWorkload(workload, issuer, load)))
    const dir = await mkdtemp(join(tmpdir(), 'm2m-bench-'))
    const inputFile = join(dir, 'input.json')
    await writeFile(inputFile, JSON.stringify(await childInput(issuer, tokens)))
    log('in-process ops/s')
    const inProcess = await runChild(['inprocess.mjs', inputFile])
    log('fleet: hot paths with and without a Redis store, then the fleet simulation')
    const fleetFile = join(dir, 'fleet.json')
    await writeFile(fleetFile, JSON.stringify(fleetInput(issuer, tokens)))
    const fleet = await runChild(['fleet.mjs', fleetFile])
    log(`memory: ${settings.memoryTokens} distinct tokens`)
    // The memory child gets a small input of its own: the token lists above would sit in its
    // heap as a parsed-then-dropped string and blur the baseline.
    const memoryFile = join(dir, 'memory.json')
    const { issuer: iss, audience, memoryTokens, memory: key } = await childInput(issuer, tokens)
    await writeFile(
      memoryFile,
      JSON.stringify({ issuer: iss, audience, memoryTokens, memory: key }),
    )
    const memory = await runChild(['--expose-gc', 'memory.mjs', memoryFile])
    await rm(dir, { recursive: true, force: true })
    const report = renderReport({
      settings,
      throughput,
      inProcess,
      memory,
      fleet,
      pinned: canPin,
      elapsedS: (Date.now() - started) / 1000,
      loadBefore,
      command: `pnpm bench${[...args].map((a) => ` ${a}`).join('')}`,
    })
    process.stdout.write(report)
    if (!args.has('--no-write')) {
      const out = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url))
      await writeFile(out, report)
      log(`wrote ${out}`)
    }
  } finally {
    await issuer.close()
  }
}

/**
 * One workload. Every round starts each target afresh in a new process (checked, then warmed
 * up), times it and stops it, in alternating order. A server's speed depends on its process as
 * well as on the machine: the JIT and the heap settle differently in each, and two processes
 * of the same bare framework were seen to differ by a tenth or more for their whole life. A
 * median over rounds then is a median over processes too, not over one process's luck.
 */
async function runWorkload(workload, issuer, load) {
  const { name, alg, tokens } = workload
  log(`workload ${name} ${alg}: ${tokens.length} token(s)`)
  const runs = (t) =>
    (t.algs === undefined || t.algs.includes(alg)) &&
    (t.workloads === undefined || t.workloads.includes(name))
  const results = TARGETS.filter(runs).map((target) => ({
    target,
    rps: [],
    cpu: [],
    cpuUs: [],
    non2xx: 0,
    errors: 0,
  }))
  const bad = [tamper(tokens[0]), await issuer.mint(alg, { lifetimeS: -60 })]
  for (let round = 0; round < settings.rounds; round++) {
    // Alternate the order so no target always runs first (or last) in a round.
    const order = round % 2 === 0 ? results : [...results].reverse()
    for (const result of order) {
      const { target } = result
      const env = {
        BENCH_ISSUER: issuer.issuer,
        BENCH_JWKS_URI: issuer.jwksUri,
        BENCH_AUDIENCE: issuer.audience,
        BENCH_ALG: alg,
        ...(name === 'cold' && target.kind === 'ours' ? { BENCH_CACHE: 'off' } : {}),
      }
      const server = await startTarget(target, env, SERVER_CPU)
      try {
        await checkTarget(target, server.url, { valid: [tokens[0], tokens.at(-1)], bad })
        await load({ url: server.url, tokens, durationS: settings.warmupS, cpu: LOAD_CPU })
        const cpuBefore = cpuSeconds(server.pid)
        const timed = await load({
          url: server.url,
          tokens,
          durationS: settings.durationS,
          cpu: LOAD_CPU,
        })
        const cpuAfter = cpuSeconds(server.pid)
        result.rps.push(timed.rps)
        if (cpuBefore !== undefined && cpuAfter !== undefined) {
          result.cpu.push((cpuAfter - cpuBefore) / settings.durationS)
          result.cpuUs.push(((cpuAfter - cpuBefore) * 1e6) / (timed.rps * settings.durationS))
        }
        result.non2xx += timed.non2xx
        result.errors += timed.errors
        // We must never refuse a valid token; a rival that does under load is reported, not hidden.
        if (target.kind !== 'rival' && timed.non2xx + timed.errors > 0) {
          throw new Error(
            `${target.label}: ${timed.non2xx} refusals, ${timed.errors} errors under load`,
          )
        }
        log(
          `  round ${round + 1} ${target.label}: ${Math.round(timed.rps)} req/s, server CPU ${Math.round((result.cpu.at(-1) ?? NaN) * 100)}%`,
        )
      } finally {
        await server.stop()
      }
    }
  }
  return results.map((r) => ({
    workload: name,
    alg,
    target: r.target,
    rps: median(r.rps),
    rounds: r.rps,
    cpuRounds: r.cpuUs,
    cpu: r.cpu.length === 0 ? undefined : median(r.cpu),
    cpuUs: r.cpuUs.length === 0 ? undefined : median(r.cpuUs),
    non2xx: r.non2xx,
    errors: r.errors,
  }))
}

async function childInput(issuer, tokens) {
  const algs = {}
  for (const alg of ['RS256', 'ES256']) {
    algs[alg] = { jwk: issuer.keys[alg].jwk, hot: tokens[alg].hot, cold: tokens[alg].cold }
  }
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    durationMs: settings.inProcessMs,
    memoryTokens: settings.memoryTokens,
    algs,
    memory: {
      kid: issuer.keys.ES256.kid,
      privateJwk: await exportJWK(issuer.keys.ES256.privateKey),
    },
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

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

main().catch((error) => {
  log(`bench failed: ${error.stack ?? error}`)
  process.exit(1)
})
