// One HTTP workload (hot or cold, one algorithm) over the targets it includes.
import { tamper } from './issuer.mjs'
import { checkTarget, cpuSeconds, startTarget, TARGETS } from './targets.mjs'

export const SERVER_CPU = 1
export const LOAD_CPU = 0

const log = (line) => process.stderr.write(`${line}\n`)

/**
 * Every round starts each target afresh in a new process (checked, then warmed up), times it
 * and stops it, in alternating order. A server's speed depends on its process as well as on
 * the machine: the JIT and the heap settle differently in each, and two processes of the same
 * bare framework were seen to differ by a tenth or more for their whole life. A median over
 * rounds then is a median over processes too, not over one process's luck.
 * `include(target)` picks the targets of this run (`--only`).
 */
export async function runWorkload(workload, { issuer, load, settings, include }) {
  const { name, alg, tokens } = workload
  log(`workload ${name} ${alg}: ${tokens.length} token(s)`)
  const runs = (t) =>
    (t.algs === undefined || t.algs.includes(alg)) &&
    (t.workloads === undefined || t.workloads.includes(name)) &&
    include(t)
  const results = TARGETS.filter(runs).map((target) => ({
    target,
    rps: [],
    cpu: [],
    cpuUs: [],
    non2xx: 0,
    errors: 0,
  }))
  const bad = [tamper(tokens[0]), await issuer.mint(alg, { lifetimeS: -60 })]
  const context = { issuer, load, settings, workload, bad }
  for (let round = 0; round < settings.rounds; round++) {
    // Alternate the order so no target always runs first (or last) in a round.
    const order = round % 2 === 0 ? results : [...results].reverse()
    for (const result of order) {
      await timeOnce(result, context)
      log(
        `  round ${round + 1} ${result.target.label}: ${Math.round(result.rps.at(-1))} req/s, server CPU ${Math.round((result.cpu.at(-1) ?? NaN) * 100)}%`,
      )
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

/** One target in one round: a new process, checked, warmed up, timed, stopped. */
async function timeOnce(result, { issuer, load, settings, workload, bad }) {
  const { target } = result
  const { name, alg, tokens } = workload
  const env = {
    BENCH_ISSUER: issuer.issuer,
    BENCH_JWKS_URI: issuer.jwksUri,
    BENCH_AUDIENCE: issuer.audience,
    BENCH_ALG: alg,
    ...(name === 'cold' && target.kind === 'ours' ? { BENCH_CACHE: 'off' } : {}),
  }
  const server = await startTarget(target, env, SERVER_CPU)
  let timed
  let recorded
  try {
    await checkTarget(target, server.url, { valid: [tokens[0], tokens.at(-1)], bad })
    await load({ url: server.url, tokens, durationS: settings.warmupS, cpu: LOAD_CPU })
    const cpuBefore = cpuSeconds(server.pid)
    timed = await load({ url: server.url, tokens, durationS: settings.durationS, cpu: LOAD_CPU })
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
  } finally {
    recorded = await server.stop()
  }
  if (target.kind === 'telemetry')
    checkRecorded(target, recorded, Math.round(timed.rps * settings.durationS))
}

/** A telemetry target whose SDK did not record every timed request measured nothing. */
function checkRecorded(target, recorded, timedRequests) {
  if (recorded === undefined || recorded < timedRequests)
    throw new Error(
      `${target.label}: the SDK recorded ${recorded ?? 'nothing'}, fewer than the ${timedRequests} requests timed`,
    )
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
