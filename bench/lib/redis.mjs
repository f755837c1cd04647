// A redis-server of the bench's own on 127.0.0.1 (no persistence), started and stopped by its
// PID, the way test/support/redis-process.ts does it for the tests.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

const REDIS_SERVER = '/usr/bin/redis-server'
// The kernel kills redis-server when this process dies, however it dies (PR_SET_PDEATHSIG).
const LAUNCHER = existsSync('/usr/bin/setpriv')
  ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--']
  : []

/** Resolves to `{ port, pid, url, stop() }` once the server answers PING. */
export async function startRedis() {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'm2m-bench-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir]
  args.push('--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning')
  const [command, ...rest] = [...LAUNCHER, REDIS_SERVER, ...args]
  const child = spawn(command, rest, { stdio: ['ignore', 'ignore', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const deadline = Date.now() + 5_000
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`redis-server on port ${port} did not start`)
    }
    await delay(20)
  }
  return {
    port,
    pid: child.pid,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function freePort() {
  const server = createServer()
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

function answersPing(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.setTimeout(500, () => socket.destroy())
    socket.once('error', () => resolve(false))
    socket.once('close', () => resolve(false))
    socket.once('data', (chunk) => {
      resolve(chunk.toString().startsWith('+PONG'))
      socket.destroy()
    })
    socket.write('PING\r\n')
  })
}

/**
 * Commands the server has processed, by name (`INFO commandstats`): the store's round trips
 * as Redis saw them, whatever client sent them.
 */
export async function commandCounts(admin) {
  const info = await admin.info('commandstats')
  const counts = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    counts[match[1]] = Number(match[2])
  return counts
}

/** The commands m2m-auth's redisStore sends: every one is a round trip. */
export const STORE_COMMANDS = ['get', 'set', 'evalsha', 'eval']

export const storeCommandsIn = (counts) =>
  STORE_COMMANDS.reduce((sum, name) => sum + (counts[name] ?? 0), 0)
