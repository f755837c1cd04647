// The fleet rows (a shared Redis store): hot paths with and without the store, timed side by
// side, then the fleet simulation. Run as a child like inprocess.mjs; starts its own
// redis-server and stops it by PID; prints one JSON object.
import './lib/scrypt-counter.mjs'
import { readFileSync } from 'node:fs'
import { createClient } from 'redis'
import { hotRows, PEPPER } from './lib/fleet-hot.mjs'
import { makeTills, schedule, simulate } from './lib/fleet-sim.mjs'
import { startRedis } from './lib/redis.mjs'

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const { issuer, audience, token, fleet } = input
const log = (line) => process.stderr.write(`${line}\n`)

const redis = await startRedis()
log(`  redis-server ${redis.pid} on 127.0.0.1:${redis.port}`)
const admin = await createClient({ url: redis.url })
  .on('error', () => {})
  .connect()
try {
  const hot = await hotRows({
    issuer,
    audience,
    token,
    redisUrl: redis.url,
    admin,
    timing: { durationMs: input.durationMs, rounds: input.pairedRounds },
  })
  log(`  fleet simulation: ${fleet.replicas} replicas, ${fleet.tills} tills, ${fleet.minutes} min`)
  const tills = await makeTills(fleet.tills, PEPPER)
  const calls = schedule(fleet)
  const runs = []
  for (const ttlMs of fleet.ttlsMs) {
    const common = {
      calls,
      tills,
      replicas: fleet.replicas,
      ttlMs,
      pepper: PEPPER,
      issuer,
      audience,
    }
    const without = await simulate(common)
    const started = performance.now()
    const withStore = await simulate({ ...common, redisUrl: redis.url, admin })
    log(`  cache ${ttlMs / 1000} s: ${Math.round(performance.now() - started)} ms with the store`)
    if (without.refused + withStore.refused + withStore.storeFallbacks > 0)
      throw new Error(
        `fleet simulation: refusals or store fallbacks ${JSON.stringify({ without, withStore })}`,
      )
    runs.push({ ttlMs, without, with: withStore })
    await admin.flushAll()
  }
  process.stdout.write(
    JSON.stringify({ hot, fleet: { ...fleet, requests: calls.length, runs } }) + '\n',
  )
} finally {
  await admin.close()
  await redis.stop()
}
