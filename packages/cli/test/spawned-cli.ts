import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'

/** The `m2m-auth` bin, which runs the compiled CLI in dist/. */
export const CLI_BIN = fileURLToPath(new URL('../bin/m2m-auth.js', import.meta.url))

/** The spawned tests run the built CLI, as the `m2m-auth` bin does. */
export function requireBuiltCli(): void {
  const built = fileURLToPath(new URL('../dist/commands/dev-issuer.js', import.meta.url))
  if (!existsSync(built))
    throw new Error(`${built} is missing: run "tsc -b" first (pnpm test does)`)
}

export interface Spawned {
  readonly child: ChildProcess
  readonly out: () => string
  readonly err: () => string
  /** Resolves with the exit code (or the signal's name) once the process has exited and every
   * holder of its stdout and stderr (its children too) has closed them. */
  readonly exited: Promise<number | string>
}

/** Spawns a command in its own process group (`detached`), as a terminal runs a job. */
export function spawnGroup(command: string, args: string[], cwd: string): Spawned {
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  )
  return { child, out: () => out, err: () => err, exited }
}

/**
 * Polls until `check` holds. The deadline only turns a hang into a failure with a message;
 * it is no speed requirement.
 */
export async function waitUntil(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(25)
  }
}

/** Whether anything accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Live (not zombie) processes in a process group, from /proc (Linux). Orphans whose parent
 * died are reparented, but stay in the group: an empty group means nothing was left behind.
 */
export function liveProcessesInGroup(pgid: number): number[] {
  const live: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(pgrp) === pgid && state !== 'Z') live.push(Number(entry))
  }
  return live
}
