import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'

/** A fleet of service replicas, each its own `node` process (test/fleet/replica.ts). */
export interface Replicas {
  /** `http://127.0.0.1:<port>`, one per replica, in spawn order. */
  readonly urls: readonly string[]
  readonly pids: readonly number[]
  /**
   * What went wrong so far: a replica that exited before close(), or a `FATAL` line (an
   * unhandled rejection or uncaught exception). Empty when all is well.
   */
  problems(): string[]
  /** Each replica's stderr tail, for a failing test's message. */
  diagnostics(): string
  /**
   * SIGTERM, then SIGKILL after a grace period, by PID; resolves once all have exited, with
   * the replicas that did not exit 0 on SIGTERM (empty when all shut down cleanly). Idempotent.
   */
  close(): Promise<string[]>
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const REPLICA = 'test/fleet/replica.ts'
const START_TIMEOUT_MS = 20_000
const STOP_GRACE_MS = 3_000
const STDERR_TAIL_CHARS = 8_000

// As for redis-server (redis-process.ts): the kernel SIGKILLs a replica when the thread that
// spawned it dies, even by SIGKILL; the exit and signal handlers below cover the rest.
const SETPRIV = '/usr/bin/setpriv'
const LAUNCHER = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--'] : []

const live = new Set<ChildProcess>()
let reaperInstalled = false

function installReaper(): void {
  if (reaperInstalled) return
  reaperInstalled = true
  const killAll = (): void => {
    for (const child of live) child.kill('SIGKILL')
  }
  process.once('exit', killAll)
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll()
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
}

interface Replica {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly exited: Promise<void>
  port?: number
  stderr: string
  stopping: boolean
}

/**
 * Spawns `n` replicas with `env` added to this process's environment and waits (bounded) until
 * each has printed its port. Rejects with every replica's stderr when one fails to start.
 */
export async function startReplicas(
  n: number,
  env: Readonly<Record<string, string>>,
): Promise<Replicas> {
  installReaper()
  const replicas = Array.from({ length: n }, () => spawnReplica(env))
  const fleet = fleetOf(replicas)
  try {
    await Promise.all(replicas.map(waitForPort))
  } catch (error) {
    const diagnostics = fleet.diagnostics()
    await fleet.close()
    throw new Error(`${(error as Error).message}\n${diagnostics}`)
  }
  return fleet
}

function spawnReplica(env: Readonly<Record<string, string>>): Replica {
  const [command, ...args] = [...LAUNCHER, process.execPath, '--import', 'tsx', REPLICA]
  const child = spawn(command, args, {
    cwd: ROOT,
    // tsx resolves @m2m-auth/* to src through tsconfig.test.json's paths, as vitest does.
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.test.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => {
    child.once('error', () => resolve())
    child.once('exit', () => resolve())
  })
  const replica: Replica = { child, exited, stderr: '', stopping: false }
  live.add(child)
  void exited.then(() => live.delete(child))
  child.stderr.on('data', (chunk: Buffer) => {
    replica.stderr = (replica.stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS)
  })
  return replica
}

/** Resolves with the port from the replica's first stdout line, or rejects (bounded). */
function waitForPort(replica: Replica): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(
      () => reject(new Error(`a replica printed no port within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    )
    replica.child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const line = stdout.split('\n', 1)[0]!
      if (line.length === stdout.length) return
      clearTimeout(timer)
      const port = portOf(line)
      if (port === undefined) return reject(new Error(`a replica printed ${line.slice(0, 200)}`))
      replica.port = port
      resolve()
    })
    void replica.exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`replica ${replica.child.pid} exited before listening`))
    })
  })
}

function portOf(line: string): number | undefined {
  try {
    const port = (JSON.parse(line) as { port?: unknown } | null)?.port
    return typeof port === 'number' ? port : undefined
  } catch {
    return undefined
  }
}

function fleetOf(replicas: readonly Replica[]): Replicas {
  return {
    get urls() {
      return replicas.map((r) => `http://127.0.0.1:${r.port}`)
    },
    get pids() {
      return replicas.map((r) => r.child.pid!)
    },
    problems: () => replicas.flatMap(problemsOf),
    diagnostics: () =>
      replicas.map((r) => `--- replica ${r.child.pid} stderr ---\n${r.stderr}`).join('\n'),
    close: async () => (await Promise.all(replicas.map(stop))).flat(),
  }
}

function problemsOf(replica: Replica): string[] {
  const { child } = replica
  const found = replica.stderr
    .split('\n')
    .filter((line) => line.startsWith('FATAL'))
    .map((line) => `replica ${child.pid}: ${line}`)
  const gone = child.exitCode !== null || child.signalCode !== null
  if (gone && !replica.stopping) {
    found.push(`replica ${child.pid} exited (${child.exitCode ?? child.signalCode})`)
  }
  return found
}

/** Stops one replica; what was unclean about it (problems() already reports earlier exits). */
async function stop(replica: Replica): Promise<string[]> {
  const { child } = replica
  if (replica.stopping || child.exitCode !== null || child.signalCode !== null) return []
  replica.stopping = true
  child.kill('SIGTERM')
  const outcome = await Promise.race([replica.exited, delay(STOP_GRACE_MS, 'timeout' as const)])
  if (outcome === 'timeout') {
    child.kill('SIGKILL')
    await replica.exited
    return [`replica ${child.pid} ignored SIGTERM for ${STOP_GRACE_MS} ms`]
  }
  return child.exitCode === 0
    ? []
    : [`replica ${child.pid} exited ${child.exitCode ?? child.signalCode} on SIGTERM`]
}
