// The fleet simulation: N replicas behind a load balancer, each with its own node-redis client
// on one redis-server, and T tills that each call once a minute for M minutes, every call on a
// random replica. Not timed: it counts scrypt derivations and Redis round trips per request.
//
// Simulated time: Date.now() is this simulation's clock while it runs (core's caches read it),
// and keys a replica wrote are deleted from Redis when their TTL has run out on that clock, so
// ten simulated minutes take seconds and every expiry happens exactly when it would. The
// schedule is drawn from a fixed seed, so a run is repeatable.
import { createHash } from 'node:crypto'
import { createClient } from 'redis'
import { createAuthenticator, hashTillSecret, memoryTillStore } from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { commandCounts, STORE_COMMANDS } from './redis.mjs'
import { scryptCount } from './scrypt-counter.mjs'
import { flat, requestWith } from './requests.mjs'
import { expiringStore, simulatedClock } from './sim-clock.mjs'

const MINUTE = 60_000
// Low on purpose: the count of derivations is the figure, not their cost.
const SIM_COST = { ln: 4, r: 8, p: 1 }

/** `count` tills with scrypt secrets under `pepper`, and each till's Basic header. */
export async function makeTills(count, pepper) {
  const tills = Array.from({ length: count }, (_, i) => {
    const tillId = `T-${String(i).padStart(5, '0')}`
    const md5hex = createHash('md5').update(`password of ${tillId}`).digest('hex')
    return { tillId, md5hex }
  })
  const records = []
  for (let i = 0; i < tills.length; i += 256) {
    const batch = tills.slice(i, i + 256)
    const secrets = await Promise.all(
      batch.map((t) => hashTillSecret(t.md5hex, { pepper, cost: SIM_COST })),
    )
    batch.forEach((t, k) =>
      records.push({ tillId: t.tillId, secret: secrets[k], scopes: ['stock.read'] }),
    )
  }
  const headers = tills.map((t) =>
    flat(`Basic ${Buffer.from(`${t.tillId}:${t.md5hex}`).toString('base64')}`),
  )
  return { records, headers }
}

/** Every call of every till, in time order: till i calls at phase_i + k minutes. */
export function schedule({ tills, minutes, replicas, seed = 14 }) {
  const random = mulberry32(seed)
  const phases = Array.from({ length: tills }, () => Math.floor(random() * MINUTE))
  const calls = []
  for (let minute = 0; minute < minutes; minute++) {
    for (let till = 0; till < tills; till++) {
      const replica = Math.floor(random() * replicas)
      calls.push({ at: minute * MINUTE + phases[till], minute, till, replica })
    }
  }
  return calls.sort((a, b) => a.at - b.at || a.till - b.till)
}

/**
 * Runs `calls` against `replicas` authenticators, each with its own client when `redisUrl` is
 * given (else no store: each replica alone). Resolves to the counts, overall and for minutes
 * after the first (when every till has been seen once: the steady state).
 */
export async function simulate(options) {
  const { calls, tills, admin } = options
  const clock = simulatedClock()
  const fleet = await startReplicas(options, clock)
  const counts = { requests: 0, refused: 0 }
  const snapshot = async () => ({
    requests: counts.requests,
    scrypts: scryptCount(),
    commands: admin === undefined ? {} : await commandCounts(admin),
  })
  const start = await snapshot()
  let steadyStart
  clock.start()
  try {
    for (const call of calls) {
      if (call.minute === 1 && steadyStart === undefined) steadyStart = await snapshot()
      clock.set(call.at)
      await fleet.expiring.expireUntil(clock.now())
      counts.requests++
      try {
        await fleet.replicas[call.replica].authenticate(requestWith(tills.headers[call.till]))
      } catch {
        counts.refused++
      }
    }
  } finally {
    clock.stop()
    await Promise.all(fleet.clients.map((c) => c.close()))
  }
  const end = await snapshot()
  return {
    refused: counts.refused,
    ...difference(start, end),
    steady: steadyStart === undefined ? undefined : difference(steadyStart, end),
    storeFallbacks: fleet.fallbacks.length,
  }
}

/** The replicas' authenticators, each with its own client on `redisUrl` when given. */
async function startReplicas(
  { replicas, tills, ttlMs, pepper, redisUrl, admin, issuer, audience },
  clock,
) {
  const prefix = `fleet-${ttlMs}:`
  const fleet = { replicas: [], clients: [], fallbacks: [] }
  fleet.expiring = expiringStore((key) => admin.del(prefix + key))
  for (let r = 0; r < replicas; r++) {
    let store
    if (redisUrl !== undefined) {
      const client = await createClient({ url: redisUrl })
        .on('error', () => {})
        .connect()
      fleet.clients.push(client)
      store = fleet.expiring.wrap(redisStore(client, { prefix }), clock.now)
    }
    fleet.replicas.push(
      createAuthenticator({
        bearer: { issuer, audience },
        basic: { tills: memoryTillStore(tills.records), pepper, cache: { ttlMs } },
        ...(store === undefined ? {} : { store, onStoreFallback: (e) => fleet.fallbacks.push(e) }),
      }),
    )
  }
  return fleet
}

/** Requests, scrypts and store round trips (by command) between two snapshots. */
function difference(from, to) {
  const byCommand = {}
  for (const name of STORE_COMMANDS) {
    const n = (to.commands[name] ?? 0) - (from.commands[name] ?? 0)
    if (n > 0) byCommand[name] = n
  }
  return {
    requests: to.requests - from.requests,
    scrypts: to.scrypts - from.scrypts,
    roundTrips: Object.values(byCommand).reduce((a, b) => a + b, 0),
    byCommand,
  }
}

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
