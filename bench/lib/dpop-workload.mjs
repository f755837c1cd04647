// The dpop section's measurements: per framework, a DPoP-bound token with a fresh proof per
// request through our adapter and through the hand-written check of lib/minimal-dpop.mjs, and
// (the plain bearer hot path, which DPoP must leave alone) the bare framework and our adapter
// with one reused Bearer token. Every round starts each target in a new process, as
// lib/workload.mjs does, and alternates the order.
import autocannon from 'autocannon'
import { createProofSigner } from './dpop-proofs.mjs'
import { autocannonLoad, CONNECTIONS } from './load.mjs'
import { checkTarget, cpuSeconds, FRAMEWORKS, startTarget, statusOf } from './targets.mjs'
import { LOAD_CPU, median, SERVER_CPU } from './workload.mjs'

const log = (line) => process.stderr.write(`${line}\n`)
const NAMES = { express: 'Express', koa: 'Koa', fastify: 'Fastify' }
// Proofs signed for the 1 s warm-up; the timed run gets twice what the warm-up rate needs.
const WARMUP_PROOFS = 20_000

/** The dpop section's targets: `dpop` marks the ones loaded with DPoP proofs. */
export const DPOP_TARGETS = FRAMEWORKS.flatMap((framework) => [
  { framework, variant: 'bare', kind: 'bare', label: `${NAMES[framework]} (no auth), Bearer` },
  { framework, variant: 'ours', kind: 'ours', label: `${NAMES[framework]} + ours, Bearer` },
  {
    framework: 'dpop',
    of: framework,
    variant: 'minimal',
    kind: 'limit',
    dpop: true,
    label: `${NAMES[framework]} + minimal DPoP check (hand-written)`,
  },
  {
    framework: 'dpop',
    of: framework,
    variant: 'ours',
    kind: 'ours',
    dpop: true,
    label: `${NAMES[framework]} + ours, DPoP`,
  },
])

/** Rows `{ target, framework, rps, rounds, cpu, cpuUs, cpuRounds }` for every DPoP target. */
export async function runDpopWorkload({ issuer, settings }) {
  const signer = createProofSigner()
  const plain = await issuer.mint('RS256')
  const bound = await issuer.mint('RS256', { claims: { cnf: { jkt: signer.jkt } } })
  const rounds = Math.min(settings.rounds, 5)
  const results = DPOP_TARGETS.map((target) => ({ target, rps: [], cpu: [], cpuUs: [] }))
  const context = { issuer, settings, signer, plain, bound }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? results : [...results].reverse()
    for (const result of order) {
      await timeOnce(result, context)
      log(
        `  dpop round ${round + 1} ${result.target.label}: ${Math.round(result.rps.at(-1))} req/s`,
      )
    }
  }
  return results.map((r) => ({
    target: r.target,
    framework: r.target.of ?? r.target.framework,
    rps: median(r.rps),
    rounds: r.rps,
    cpu: r.cpu.length === 0 ? undefined : median(r.cpu),
    cpuUs: r.cpuUs.length === 0 ? undefined : median(r.cpuUs),
    cpuRounds: r.cpuUs,
    non2xx: 0,
    errors: 0,
  }))
}

async function timeOnce(result, { issuer, settings, signer, plain, bound }) {
  const { target } = result
  const env = {
    BENCH_ISSUER: issuer.issuer,
    BENCH_JWKS_URI: issuer.jwksUri,
    BENCH_AUDIENCE: issuer.audience,
    BENCH_ALG: 'RS256',
    ...(target.of && { BENCH_FRAMEWORK: target.of }),
  }
  const server = await startTarget(target, env, SERVER_CPU)
  try {
    const htu = server.url
    let load
    if (target.dpop) {
      await checkDpopTarget(target, server.url, signer.proofs(bound, htu, 2), bound, plain)
      const warm = await dpopLoad(
        server.url,
        bound,
        signer.proofs(bound, htu, WARMUP_PROOFS),
        settings.warmupS,
      )
      const count = Math.ceil(warm.rps * settings.durationS * 2) + 2_000
      const proofs = signer.proofs(bound, htu, count)
      load = () => dpopLoad(server.url, bound, proofs, settings.durationS)
    } else {
      await checkTarget(target, server.url, { valid: [plain], bad: [bound] })
      await autocannonLoad({ url: server.url, tokens: [plain], durationS: settings.warmupS })
      load = () =>
        autocannonLoad({ url: server.url, tokens: [plain], durationS: settings.durationS })
    }
    const cpuBefore = cpuSeconds(server.pid)
    const timed = await load()
    const cpuAfter = cpuSeconds(server.pid)
    if (timed.non2xx + timed.errors > 0)
      throw new Error(
        `${target.label}: ${timed.non2xx} refusals, ${timed.errors} errors under load`,
      )
    result.rps.push(timed.rps)
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      result.cpu.push((cpuAfter - cpuBefore) / settings.durationS)
      result.cpuUs.push(((cpuAfter - cpuBefore) * 1e6) / (timed.rps * settings.durationS))
    }
  } finally {
    await server.stop()
  }
}

/**
 * Refuses to time a DPoP target that does not check proofs: a fresh proof gets 200, the same
 * proof again 401 (replay), the bound token as Bearer 401 (downgrade), no proof 401.
 */
async function checkDpopTarget(target, url, [proof, spare], bound, plain) {
  const status = async (headers) => {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) })
    await response.arrayBuffer()
    return response.status
  }
  const cases = [
    ['a fresh proof', { authorization: `DPoP ${bound}`, dpop: proof }, 200],
    ['a replayed proof', { authorization: `DPoP ${bound}`, dpop: proof }, 401],
    ['a proof for another token', { authorization: `DPoP ${plain}`, dpop: spare }, 401],
    ['no proof', { authorization: `DPoP ${bound}` }, 401],
  ]
  for (const [what, headers, want] of cases) {
    const got = await status(headers)
    if (got !== want) throw new Error(`${target.label}: ${what} answered ${got}, expected ${want}`)
  }
  const downgrade = await statusOf(url, `Bearer ${bound}`)
  if (downgrade !== 401)
    throw new Error(`${target.label}: the bound token as Bearer answered ${downgrade}`)
}

/**
 * autocannon with one proof per request, taken in turn by ONE counter shared by all
 * connections; running out of proofs is an error (a reused proof is a replay, refused).
 */
async function dpopLoad(url, token, proofs, durationS) {
  let next = 0
  let exhausted = false
  const authorization = `DPoP ${token}`
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: durationS,
    requests: [
      {
        method: 'GET',
        path: '/',
        setupRequest: (request) => {
          if (next === proofs.length) exhausted = true
          const dpop = proofs[next % proofs.length]
          next++
          return { ...request, headers: { authorization, dpop } }
        },
      },
    ],
  })
  if (exhausted) throw new Error(`${url}: ${proofs.length} proofs were not enough`)
  return {
    rps: result.requests.total / durationS,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}
