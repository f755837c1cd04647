import type { ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'

// Nothing the fixture starts may outlive the test process, however that process ends.
//  - PR_SET_PDEATHSIG through util-linux's setpriv: the kernel SIGKILLs redis-server when the
//    thread that spawned it dies, even by SIGKILL, which no handler here can see.
//  - 'exit': SIGKILL every server still running, remove every directory still held.
//  - SIGTERM/SIGINT/SIGHUP skip 'exit' (vitest stops its fork workers with SIGTERM): the same,
//    then die of the signal as the process would have.
const SETPRIV = '/usr/bin/setpriv'

/** The command line prefix that ties a child's life to this thread's, where Linux offers it. */
export const LAUNCHER: readonly string[] = existsSync(SETPRIV)
  ? [SETPRIV, '--pdeathsig', 'KILL', '--']
  : []

const processes = new Set<ChildProcess>()
const dirs = new Set<string>()
let installed = false

/** Tracks a spawned child until it exits. */
export function trackProcess(child: ChildProcess): void {
  install()
  if (child.pid === undefined) return
  processes.add(child)
  child.once('exit', () => processes.delete(child))
}

/** Tracks a temporary directory until `release` (its owner removed it). */
export function trackDir(dir: string): { release(): void } {
  install()
  dirs.add(dir)
  return { release: () => dirs.delete(dir) }
}

function install(): void {
  if (installed) return
  installed = true
  process.once('exit', reap)
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      reap()
      // Keep the signal's meaning: if nobody else handles it, die of it as we would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
}

function reap(): void {
  for (const child of processes) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}
