// The "Fleet (Redis store)" section of docs/benchmarks.md, from bench/fleet.mjs's figures.
import { provenance } from './report-format.mjs'

export const STORE_HOT_TARGET = 0.95
export const GET_TOKEN_TARGET = 1_000_000

const int = (n) => Math.round(n).toLocaleString('en-US')
const ratio = (n) => `${n.toFixed(2)}x`
const perRequest = (n, requests) => (n / requests).toFixed(3)
const duration = (ms) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`)
const meets = (ok, what) => (ok ? `meets ${what}` : `**misses** ${what}`)
/** A ratio's verdict; 0.949 would print as 0.95x: say so, rather than seem to miss with 0.95x. */
const ratioVerdict = (value) => {
  const target = `>= ${STORE_HOT_TARGET.toFixed(2)}x`
  if (value >= STORE_HOT_TARGET) return `meets ${target}`
  const close = value.toFixed(2) === STORE_HOT_TARGET.toFixed(2)
  return `**misses** ${target}${close ? `, at ${value.toFixed(3)}x` : ''}`
}

/** `{ lines, summary }`: the section's Markdown lines and its lines for the Summary. */
export function renderFleet(run) {
  const { fleet: result, settings } = run
  const lines = []
  const out = (line = '') => lines.push(line)
  const summary = []
  out('## Fleet (Redis store)')
  out()
  out(provenance(run))
  out()
  hotTable(result.hot, settings, out, summary)
  simulation(result.fleet, out, summary)
  return { lines, summary }
}

function hotTable(hot, settings, out, summary) {
  out(
    `Hot paths with \`store: redisStore(client)\` (node-redis v5, a redis-server of the bench's own on loopback) next to the same without a store, in one process: ` +
      `the two instances are timed back to back in each of ${settings.pairedRounds} rounds of ${settings.inProcessMs} ms, in alternating order; ` +
      'ops/s are the median round, the ratio the median of the per-round ratios. ' +
      '"Redis commands" counts the store commands (GET, SET, EVALSHA, EVAL) redis-server processed while both were timed (`INFO commandstats`): ' +
      'a reused token or till and a cached outbound token must touch no Redis. ' +
      'The ops/s and ratios are timed, on whatever else the machine was doing: with a load average well above 1 (see the line above) they are noisy, ' +
      'and "rounds" shows how far single rounds strayed; the Redis command counts are counted, not timed, and load does not change them.',
  )
  out()
  out(
    '| Operation | without a store, ops/s | with redisStore, ops/s | with / without | rounds | Redis commands | target |',
  )
  out('|---|---:|---:|---:|---:|---:|---|')
  const rows = [
    ['bearer', 'm2m-auth `authenticateNow()`, reused bearer token'],
    ['basic', 'm2m-auth `authenticateNow()`, reused Basic till (verified before)'],
    ['getToken', 'outbound `getToken()` from cache'],
  ]
  for (const [key, label] of rows) {
    const row = hot[key]
    const range = `${row.ratioRange[0].toFixed(2)}–${row.ratioRange[1].toFixed(2)}`
    const target =
      key === 'getToken'
        ? `${meets(row.with >= GET_TOKEN_TARGET, '>= 1,000,000 ops/s')} with a store`
        : ratioVerdict(row.ratio)
    out(
      `| ${label} | ${int(row.without)} | ${int(row.with)} | ${ratio(row.ratio)} | ${range} | ${int(row.redisCommands)} | ${target} |`,
    )
    summary.push(
      key === 'getToken'
        ? `fleet: cached \`getToken()\` with a Redis store ${int(row.with)} ops/s (${meets(row.with >= GET_TOKEN_TARGET, '>= 1,000,000 ops/s')}), ${ratio(row.ratio)} of without; ${int(row.redisCommands)} Redis commands while timed`
        : `fleet: ${key === 'bearer' ? 'reused token' : 'reused till'} with a Redis store ${ratio(row.ratio)} of without (${ratioVerdict(row.ratio)}); ${int(row.redisCommands)} Redis commands while timed`,
    )
  }
  out()
}

function simulation(fleet, out, summary) {
  out(
    `**Fleet simulation** (counted, not timed: how busy the machine was does not change these figures): ${fleet.replicas} replicas, each \`createAuthenticator({ bearer, basic: { tills, pepper, cache: { ttlMs } }, store })\` with its own node-redis client on one redis-server; ` +
      `${int(fleet.tills)} tills (\`memoryTillStore\`, secrets hashed with a pepper at scrypt ln=4 so that building them takes seconds: the count is the figure, not the cost), ` +
      `each calling exactly once a minute at its own random phase for ${fleet.minutes} simulated minutes, every call on a random replica (a fixed seed: ${int(fleet.requests)} requests, the same in every row). ` +
      "Time is simulated: `Date.now()` is the simulation's clock, and the bench deletes each key the store wrote when its TTL runs out on that clock, as Redis would at that instant. " +
      '"scrypts" are node:crypto `scrypt` calls in the process (counted by the bench); "Redis round trips" are the store commands redis-server processed. ' +
      'Steady state is minutes 2 onwards, once every till has called once.',
  )
  out()
  out(
    '| Basic cache TTL | store | scrypts | scrypts / request | steady: scrypts / request | Redis round trips | round trips / request | steady: round trips / request |',
  )
  out('|---|---|---:|---:|---:|---:|---:|---:|')
  for (const run of fleet.runs) {
    for (const [label, r] of [
      ['none', run.without],
      ['redisStore', run.with],
    ]) {
      const steady = r.steady
      out(
        `| ${duration(run.ttlMs)} | ${label} | ${int(r.scrypts)} | ${perRequest(r.scrypts, r.requests)} | ${perRequest(steady.scrypts, steady.requests)} | ${int(r.roundTrips)}${breakdown(r.byCommand)} | ${perRequest(r.roundTrips, r.requests)} | ${perRequest(steady.roundTrips, steady.requests)} |`,
      )
    }
    summary.push(
      `fleet simulation, Basic cache ${duration(run.ttlMs)}: ${perRequest(run.without.scrypts, run.without.requests)} scrypts/request without a store, ` +
        `${perRequest(run.with.scrypts, run.with.requests)} with redisStore (${perRequest(run.with.roundTrips, run.with.requests)} Redis round trips/request)`,
    )
  }
  out()
  notes(fleet, out)
}

function breakdown(byCommand) {
  const parts = Object.entries(byCommand).map(([name, n]) => `${name.toUpperCase()} ${int(n)}`)
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`
}

function notes(fleet, out) {
  const shortest = fleet.runs.find((run) => run.ttlMs <= 60_000)
  if (shortest !== undefined && shortest.without.scrypts === shortest.without.requests) {
    out(
      `- With a cache TTL of ${duration(shortest.ttlMs)}, a till that calls exactly once a minute arrives the moment its previous success expires, so every call is a cold check. ` +
        "A TTL a little longer than the tills' interval is what lets the cache (and the fleet) save scrypts.",
    )
  }
  if (fleet.runs.every((run) => run.with.scrypts === run.without.scrypts)) {
    out(
      '- The store saved no scrypt in any row: with it, the fleet computed exactly as many as without, so no till success proven on one replica was taken up by another. ' +
        "The round trips it added are the lockout's attempt reservations, paid on every cold check.",
    )
  }
  out()
}
