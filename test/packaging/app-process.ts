import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import { cleanEnv } from './run.js'

/** The consumer app running as its own `node` process. */
export interface AppProcess {
  readonly url: string
  readonly pid: number
  /** Its stderr so far, for a failing assertion's message. */
  stderr(): string
  /** SIGTERM by PID, SIGKILL after a grace period; resolves once it has exited. */
  close(): Promise<void>
}

const START_TIMEOUT_MS = 20_000
const STOP_GRACE_MS = 3_000

/** Runs `node server.js` in `dir` and resolves once it prints `{"port":…}` (bounded). */
export async function startApp(
  dir: string,
  env: Readonly<Record<string, string>>,
): Promise<AppProcess> {
  const child = spawn(process.execPath, ['server.js'], {
    cwd: dir,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const app: AppProcess = {
    url: '',
    pid: child.pid!,
    stderr: () => stderr,
    close: () => stop(child, exited),
  }
  try {
    const port = await firstPort(child, exited)
    return { ...app, url: `http://127.0.0.1:${port}` }
  } catch (error) {
    await app.close()
    throw new Error(`${(error as Error).message}\n--- app stderr ---\n${stderr}`)
  }
}

function firstPort(
  child: ChildProcessByStdio<null, Readable, Readable>,
  exited: Promise<void>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(
      () => reject(new Error('the app printed no port in time')),
      START_TIMEOUT_MS,
    )
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const newline = stdout.indexOf('\n')
      if (newline === -1) return
      clearTimeout(timer)
      const { port } = JSON.parse(stdout.slice(0, newline)) as { port: number }
      resolve(port)
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`the app exited (${child.exitCode ?? child.signalCode}) before listening`))
    })
  })
}

async function stop(
  child: ChildProcessByStdio<null, Readable, Readable>,
  exited: Promise<void>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  process.kill(child.pid!, 'SIGTERM')
  const outcome = await Promise.race([exited, delay(STOP_GRACE_MS, 'timeout' as const)])
  if (outcome === 'timeout') {
    process.kill(child.pid!, 'SIGKILL')
    await exited
  }
}
