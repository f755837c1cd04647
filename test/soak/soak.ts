// `pnpm soak` (scripts/soak.mjs loads this): a few minutes of mixed traffic on all three adapters against the real issuer
// behind the fault proxy — valid, invalid, Basic, opaque and outage requests — printing heap
// and handle counts after warm-up and at the end, and failing (exit 1) when they grow past
// the bounds below or any request gets a 5xx other than an outage's 503. Not part of CI.
//
//   SOAK_SECONDS=120            how long traffic runs (default 120)
//   SOAK_CONCURRENCY=8          requests in flight per adapter
//   SOAK_MAX_HEAP_GROWTH_MB=24  allowed heapUsed growth from warm-up to the end
//   SOAK_MAX_HANDLE_GROWTH=5    allowed growth in active handles (sockets, servers) from
//                               before traffic to the end
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAuthenticator, memoryTillStore } from '@m2m-auth/core'
import { ADAPTERS, startApp, type RunningApp } from '../support/apps.js'
import { DEFAULT_RESOURCE, startIssuer } from '../support/issuer.js'
import { startProxy } from '../support/proxy.js'
import {
  basicAuth,
  md5,
  PASSWORDS,
  POS_CLIENTS,
  POS_RESOURCES,
  testTills,
} from '../support/tills.js'

const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value <= 0)
    throw new TypeError(`${name} must be a positive number`)
  return value
}
const SECONDS = env('SOAK_SECONDS', 120)
const CONCURRENCY = env('SOAK_CONCURRENCY', 8)
const MAX_HEAP_GROWTH_MB = env('SOAK_MAX_HEAP_GROWTH_MB', 24)
const MAX_HANDLE_GROWTH = env('SOAK_MAX_HANDLE_GROWTH', 5)
const log = (line: string): void => void process.stdout.write(`${line}\n`)

const INTROSPECTOR = {
  client_id: 'calendar-api',
  client_secret: 'calendar-api-secret-0123456789abcd',
}

const issuer = await startIssuer({
  clients: [...POS_CLIENTS, { ...INTROSPECTOR, scope: 'event.view' }],
  resources: POS_RESOURCES,
  defaultResource: null, // tokens asked for without a resource are opaque
})
const dead = await startProxy()
dead.mode = 'down'
const bearer = { issuer: issuer.issuer, audience: DEFAULT_RESOURCE, failureBackoffMs: 200 }
const main = createAuthenticator({
  bearer: {
    ...bearer,
    introspection: {
      clientId: INTROSPECTOR.client_id,
      clientSecret: INTROSPECTOR.client_secret,
      requireAudience: false,
    },
  },
})
const down = createAuthenticator({ bearer: { ...bearer, jwksUri: `${dead.url}/jwks` } })
const pos = createAuthenticator({
  bearer,
  basic: { tills: memoryTillStore(await testTills()), lockout: false },
})
const apps = new Map<string, RunningApp>()
for (const adapter of ADAPTERS) apps.set(adapter, await startApp(adapter, { main, down, pos }))

// A fixed pool of tokens, so the verified-token cache reaches its steady size in warm-up.
const now = Math.floor(Date.now() / 1000)
const valid = [
  await issuer.token('task-service', {
    scope: 'event.create event.view',
    resource: DEFAULT_RESOURCE,
  }),
  ...(await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      issuer.sign({
        iss: issuer.issuer,
        aud: DEFAULT_RESOURCE,
        sub: `svc-${i}`,
        scope: 'event.view',
        iat: now,
        exp: now + 3600,
      }),
    ),
  )),
]
const opaque = await issuer.token('task-service', { scope: 'event.view', resource: null })
const forged = (i: number): string => {
  const token = valid[i % valid.length]!
  return `${token.slice(0, -6)}${Math.random().toString(36).slice(2, 8).padEnd(6, 'x')}`
}

type Kind = 'valid' | 'invalid' | 'basic' | 'basic-wrong' | 'opaque' | 'outage'
const KINDS: Kind[] = [
  'valid',
  'valid',
  'valid',
  'invalid',
  'basic',
  'basic-wrong',
  'opaque',
  'outage',
]
function requestFor(kind: Kind, i: number): { path: string; authorization: string } {
  const tills = ['T-100', 'T-101', 'T-102', 'T-103']
  const till = tills[i % tills.length]!
  switch (kind) {
    case 'valid':
      return { path: '/events', authorization: `Bearer ${valid[i % valid.length]}` }
    case 'invalid':
      return { path: '/events', authorization: `Bearer ${forged(i)}` }
    case 'basic':
      return {
        path: '/stock',
        authorization: basicAuth(till, md5(PASSWORDS[till]!)).authorization!,
      }
    case 'basic-wrong':
      return { path: '/stock', authorization: basicAuth(till, md5(`wrong ${i}`)).authorization! }
    case 'opaque':
      return { path: '/events', authorization: `Bearer ${opaque}` }
    case 'outage':
      return { path: '/down/events', authorization: `Bearer ${valid[0]}` }
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * ADAPTERS.length })
const counts = new Map<string, number>()
const failures: string[] = []
function hit(url: string, authorization: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { authorization } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    req.end()
  })
}

let running = true
async function worker(adapter: string, seed: number): Promise<void> {
  for (let i = seed; running; i += CONCURRENCY) {
    const kind = KINDS[i % KINDS.length]!
    const { path, authorization } = requestFor(kind, i)
    const status = await hit(apps.get(adapter)!.url + path, authorization)
    const key = `${adapter} ${kind} ${status}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
    // An outage (and an opaque token's introspection while the issuer is down) may be 503.
    const outageOk = status === 503 && (kind === 'outage' || kind === 'opaque')
    if ((status >= 500 && !outageOk) || status === 0) failures.push(key)
  }
}

/** Flaps the issuer: up for 20 s, down for 5 s, so outage traffic meets a real outage. */
async function flapIssuer(): Promise<void> {
  while (running) {
    await sleep(20_000)
    if (!running) break
    issuer.proxy.mode = 'down'
    await sleep(5_000)
    issuer.proxy.mode = 'up'
  }
}

function snapshot(): { heapMB: number; rssMB: number; handles: number } {
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.()
  const { heapUsed, rss } = process.memoryUsage()
  const handles = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length
  return { heapMB: heapUsed / 2 ** 20, rssMB: rss / 2 ** 20, handles }
}
const show = (label: string, s: ReturnType<typeof snapshot>): void =>
  log(
    `${label}: heapUsed ${s.heapMB.toFixed(1)} MB, rss ${s.rssMB.toFixed(1)} MB, active handles ${s.handles}`,
  )

if (typeof (globalThis as { gc?: unknown }).gc !== 'function')
  log('note: run with --expose-gc for exact heap figures')
log(`soak: ${SECONDS} s, ${CONCURRENCY} in flight per adapter, adapters ${ADAPTERS.join(', ')}`)
// Handles are counted before any traffic: in-flight sockets are not a leak, left-over ones are.
const baseline = snapshot()
show('before traffic', baseline)
const workers = ADAPTERS.flatMap((a) => Array.from({ length: CONCURRENCY }, (_, s) => worker(a, s)))
const flapping = flapIssuer()
const warmUp = Math.min(15, Math.max(3, SECONDS * 0.1))
await sleep(warmUp * 1000)
const start = snapshot()
show(`after ${warmUp} s warm-up`, start)
await sleep((SECONDS - warmUp) * 1000)
running = false
await Promise.all(workers)
issuer.proxy.mode = 'up'
agent.destroy()
await sleep(500)
const end = snapshot()
show('at the end', end)

const total = [...counts.values()].reduce((a, b) => a + b, 0)
log(`requests: ${total} (${(total / SECONDS).toFixed(0)}/s)`)
for (const [key, n] of [...counts].sort()) log(`  ${key}: ${n}`)
const heapGrowth = end.heapMB - start.heapMB
const handleGrowth = end.handles - baseline.handles
log(
  `heap growth ${heapGrowth.toFixed(1)} MB (bound ${MAX_HEAP_GROWTH_MB}), handle growth ${handleGrowth} (bound ${MAX_HANDLE_GROWTH})`,
)

await flapping.catch(() => undefined)
await Promise.all([...apps.values()].map((a) => a.close()))
await Promise.all([issuer.close(), dead.close()])

const problems = [
  ...(heapGrowth > MAX_HEAP_GROWTH_MB ? [`heap grew ${heapGrowth.toFixed(1)} MB`] : []),
  ...(handleGrowth > MAX_HANDLE_GROWTH ? [`handles grew by ${handleGrowth}`] : []),
  ...(failures.length > 0 ? [`${failures.length} unexpected answers, e.g. ${failures[0]}`] : []),
]
if (problems.length > 0) {
  log(`FAIL: ${problems.join('; ')}`)
  process.exit(1)
}
log('ok')
process.exit(0)
