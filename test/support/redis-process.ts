import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { LAUNCHER, trackProcess } from './redis-reaper.js'

/** One `redis-server` child process on 127.0.0.1, started and stopped by its PID. */
export interface RedisProcess {
  readonly port: number
  readonly pid: number
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is reaped. */
  stop(graceMs?: number): Promise<void>
  /** SIGKILL (a crash, for fault injection); resolves once the process is reaped. */
  kill(): Promise<void>
  /** SIGSTOP: the server keeps its connections open and answers nothing (a hang). */
  pause(): void
  /** SIGCONT: undo pause(); queued commands are answered. */
  resume(): void
}

/** Thrown when redis-server exits at startup because its port (or bus port) was taken. */
export class PortInUseError extends Error {}

const READY_TIMEOUT_MS = 5_000
const LOG_TAIL_CHARS = 2_000

/** A port that was free a moment ago; redis cannot listen on port 0 and report it back. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return address.port
}

/** Whether 127.0.0.1:port can be bound right now. */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer()
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => resolve(true))
  })
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()))
  return bound
}

/**
 * Spawns `redis-server` on 127.0.0.1:port with no persistence, in `dir`, and resolves
 * once it answers PING. Rejects with PortInUseError when the port was taken meanwhile.
 */
export async function spawnRedis(
  port: number,
  dir: string,
  extraArgs: readonly string[] = [],
): Promise<RedisProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir]
  // No RDB snapshots, no AOF: a test store starts empty and leaves nothing on disk.
  args.push('--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning')
  const [command, ...launch] = [...LAUNCHER, 'redis-server', ...args, ...extraArgs]
  const child = spawn(command!, launch, { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const keepLog = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-LOG_TAIL_CHARS)
  }
  child.stdout.on('data', keepLog)
  child.stderr.on('data', keepLog)
  const exited = new Promise<Error | undefined>((resolve) => {
    child.once('error', (error) => resolve(error))
    child.once('exit', () => resolve(undefined))
  })
  trackProcess(child)
  await waitForPing(port, exited, () => log)
  return handle(child, port, exited)
}

async function waitForPing(
  port: number,
  exited: Promise<Error | undefined>,
  log: () => string,
): Promise<void> {
  const outcome: { exited: boolean; error?: Error } = { exited: false }
  void exited.then((error) => Object.assign(outcome, { exited: true, error }))
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (outcome.exited) throw startError(port, outcome.error, log())
    if (await answersPing(port)) return
    await delay(20)
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`)
}

function startError(port: number, spawnError: Error | undefined, log: string): Error {
  if (spawnError !== undefined || /failed to execute/.test(log)) {
    return new Error(
      `cannot run redis-server (${spawnError?.message ?? log.trim()}); apt-get install redis-server`,
    )
  }
  if (log.includes('Address already in use')) return new PortInUseError(`port ${port} in use`)
  return new Error(`redis-server on port ${port} exited at startup:\n${log}`)
}

async function answersPing(port: number): Promise<boolean> {
  try {
    return (await redisCommand(port, ['PING'])) === 'PONG'
  } catch {
    return false
  }
}

function handle(
  child: ChildProcess,
  port: number,
  exited: Promise<Error | undefined>,
): RedisProcess {
  const running = (): boolean => child.exitCode === null && child.signalCode === null
  return {
    port,
    pid: child.pid!,
    async stop(graceMs = 2_000) {
      if (!running()) return
      child.kill('SIGCONT') // a paused server cannot act on SIGTERM
      child.kill('SIGTERM')
      const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(escalate)
    },
    async kill() {
      if (running()) child.kill('SIGKILL')
      await exited
    },
    pause: () => void (running() && child.kill('SIGSTOP')),
    resume: () => void (running() && child.kill('SIGCONT')),
  }
}

/** Whether a PID is a live (not exited, not zombie) process; Linux /proc, else kill(0). */
export function isProcessRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 3, after the parenthesised command name, is the state; Z is a zombie.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return signalZero(pid)
    return false
  }
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Sends one command in RESP and resolves with a simple, integer or bulk string reply; an
 * error reply rejects. Enough to drive the fixture without a client library in between.
 */
export function redisCommand(
  port: number,
  args: readonly string[],
  timeoutMs = 1_000,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let received = Buffer.alloc(0)
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${args[0]}: no reply`)))
    socket.once('error', reject)
    socket.once('close', () => reject(new Error(`${args[0]}: connection closed`)))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const reply = parseReply(received)
      if (reply === undefined) return
      socket.destroy()
      if (reply.error) reject(new Error(reply.value))
      else resolve(reply.value)
    })
    const encoded = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')
    socket.write(`*${args.length}\r\n${encoded}`)
  })
}

function parseReply(buffer: Buffer): { error: boolean; value: string } | undefined {
  const lineEnd = buffer.indexOf('\r\n')
  if (lineEnd === -1) return undefined
  const type = String.fromCharCode(buffer[0]!)
  const header = buffer.subarray(1, lineEnd).toString()
  if (type !== '$') return { error: type === '-', value: header }
  const length = Number(header)
  if (length < 0) return { error: false, value: '' }
  const start = lineEnd + 2
  if (buffer.length < start + length + 2) return undefined
  return { error: false, value: buffer.subarray(start, start + length).toString() }
}

/** Waits (bounded) for a PID to stop running; resolves whether it did. */
export async function waitForProcessGone(pid: number, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (isProcessRunning(pid)) {
    if (Date.now() >= deadline) return false
    await delay(10)
  }
  return true
}
