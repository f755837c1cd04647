// The servers under test, each in its own child process pinned to one core.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

/**
 * kind: 'bare' (the framework alone), 'ours' (m2m-auth adapter), 'rival', or 'limit': the
 * hand-written minimal JWT check of lib/minimal.mjs inside the same framework, timed in the
 * cold workloads only, where it is the physical limit measured in place; 'empty': one
 * middleware or hook that does nothing, timed in the hot workload only, to show what any
 * middleware at all costs in that framework; 'again': the bare framework a second time, in its
 * own process, timed in the hot workload only: its ratio to the first is this run's noise floor;
 * 'telemetry': our adapter with the OpenTelemetry SDK and a metric reader registered (issue #16),
 * timed in the hot workload only, reported in a section of its own.
 */
export const TARGETS = [
  { framework: 'express', variant: 'bare', kind: 'bare', label: 'Express (no auth)' },
  {
    framework: 'express',
    variant: 'bare',
    kind: 'again',
    label: 'Express (no auth), again in a second process',
    workloads: ['hot'],
  },
  {
    framework: 'express',
    variant: 'empty',
    kind: 'empty',
    label: 'Express + one empty middleware (no auth)',
    workloads: ['hot'],
  },
  {
    framework: 'express',
    variant: 'minimal',
    kind: 'limit',
    label: 'Express + minimal JWT check (hand-written)',
    workloads: ['cold'],
  },
  { framework: 'express', variant: 'ours', kind: 'ours', label: 'Express + @m2m-auth/express' },
  {
    framework: 'express',
    variant: 'ours-otel',
    kind: 'telemetry',
    label: 'Express + @m2m-auth/express + OpenTelemetry SDK',
    workloads: ['hot'],
  },
  {
    framework: 'express',
    variant: 'express-oauth2-jwt-bearer',
    kind: 'rival',
    label: 'Express + express-oauth2-jwt-bearer',
  },
  {
    framework: 'express',
    variant: 'express-jwt',
    kind: 'rival',
    label: 'Express + express-jwt + jwks-rsa',
  },
  { framework: 'koa', variant: 'bare', kind: 'bare', label: 'Koa (no auth)' },
  {
    framework: 'koa',
    variant: 'bare',
    kind: 'again',
    label: 'Koa (no auth), again in a second process',
    workloads: ['hot'],
  },
  {
    framework: 'koa',
    variant: 'empty',
    kind: 'empty',
    label: 'Koa + one empty middleware (no auth)',
    workloads: ['hot'],
  },
  {
    framework: 'koa',
    variant: 'minimal',
    kind: 'limit',
    label: 'Koa + minimal JWT check (hand-written)',
    workloads: ['cold'],
  },
  { framework: 'koa', variant: 'ours', kind: 'ours', label: 'Koa + @m2m-auth/koa' },
  {
    framework: 'koa',
    variant: 'ours-otel',
    kind: 'telemetry',
    label: 'Koa + @m2m-auth/koa + OpenTelemetry SDK',
    workloads: ['hot'],
  },
  { framework: 'koa', variant: 'koa-jwt', kind: 'rival', label: 'Koa + koa-jwt + jwks-rsa' },
  { framework: 'fastify', variant: 'bare', kind: 'bare', label: 'Fastify (no auth)' },
  {
    framework: 'fastify',
    variant: 'bare',
    kind: 'again',
    label: 'Fastify (no auth), again in a second process',
    workloads: ['hot'],
  },
  {
    framework: 'fastify',
    variant: 'empty',
    kind: 'empty',
    label: 'Fastify + one empty onRequest hook (no auth)',
    workloads: ['hot'],
  },
  {
    framework: 'fastify',
    variant: 'minimal',
    kind: 'limit',
    label: 'Fastify + minimal JWT check (hand-written)',
    workloads: ['cold'],
  },
  { framework: 'fastify', variant: 'ours', kind: 'ours', label: 'Fastify + @m2m-auth/fastify' },
  {
    framework: 'fastify',
    variant: 'ours-otel',
    kind: 'telemetry',
    label: 'Fastify + @m2m-auth/fastify + OpenTelemetry SDK',
    workloads: ['hot'],
  },
  {
    framework: 'fastify',
    variant: '@fastify/jwt',
    kind: 'rival',
    label: 'Fastify + @fastify/jwt + get-jwks',
  },
  // fastify-jwt-jwks (underneath) accepts RS256 and EdDSA keys only.
  {
    framework: 'fastify',
    variant: 'fastify-auth0-verify',
    kind: 'rival',
    label: 'Fastify + fastify-auth0-verify',
    algs: ['RS256'],
  },
]

export const FRAMEWORKS = ['express', 'koa', 'fastify']

export const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0

/** Pins this process (the load generator) to core 0, if taskset exists. */
export function pinSelf(cpu) {
  if (canPin) spawnSync('taskset', ['-cp', String(cpu), String(process.pid)], { stdio: 'ignore' })
}

/** Starts one target; resolves once it listens. `env` carries issuer, alg and cache settings. */
export function startTarget(target, env, cpu) {
  const file = fileURLToPath(new URL(`../servers/${target.framework}.mjs`, import.meta.url))
  const argv = [process.execPath, file]
  const command = canPin ? ['taskset', '-c', String(cpu), ...argv] : argv
  const child = spawn(command[0], command.slice(1), {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_VARIANT: target.variant, ...env },
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${target.label} did not start in 20 s`)),
      20_000,
    )
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`${target.label} exited early (${code})`)))
    let recorded
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      const match = /^LISTENING (\d+)$/.exec(line)
      if (!match) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({
        url: `http://127.0.0.1:${match[1]}/`,
        pid: child.pid,
        // Resolves to what a telemetry server's SDK recorded (see lib/serve.mjs), if it says.
        stop: () =>
          new Promise((done) => {
            // 'close', not 'exit': by then stdout has been read to its end.
            child.once('close', () => done(recorded))
            child.stdin.end()
          }),
      })
    })
    lines.on('line', (line) => {
      const match = /^RECORDED (\d+)$/.exec(line)
      if (match) recorded = Number(match[1])
    })
  })
}

/** Status of one GET with the given Authorization header (none when undefined). */
export async function statusOf(url, authorization) {
  const response = await fetch(url, {
    headers: authorization === undefined ? {} : { authorization },
    signal: AbortSignal.timeout(5_000),
  })
  await response.arrayBuffer()
  return response.status
}

/**
 * Refuses to time a target that does not authenticate: a valid token must get 200 and a
 * tampered one 401 (the framework alone is only asked for the 200).
 */
export async function checkTarget(target, url, { valid, bad }) {
  const expect = async (authorization, want, what) => {
    const got = await statusOf(url, authorization)
    if (got !== want) throw new Error(`${target.label}: ${what} answered ${got}, expected ${want}`)
  }
  for (const token of valid) await expect(`Bearer ${token}`, 200, 'a valid token')
  if (target.kind === 'bare' || target.kind === 'again' || target.kind === 'empty') return
  for (const token of bad) await expect(`Bearer ${token}`, 401, 'a bad token')
  await expect(undefined, 401, 'no token')
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100

/**
 * CPU seconds a process has used (Linux /proc), or undefined elsewhere. Comparing it with
 * wall time shows whether a server really had its core to itself under load.
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}
