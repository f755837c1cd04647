import type { Io } from '../src/main.js'

export interface FakeIo extends Io {
  readonly out: () => string
  readonly err: () => string
}

/** An in-process Io: captures output, serves stdin and env from memory. */
export function fakeIo(
  cwd: string,
  { stdin = '', env = {} }: { stdin?: string; env?: Record<string, string> } = {},
): FakeIo {
  let out = ''
  let err = ''
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    readStdin: () => Promise.resolve(stdin),
    env,
    cwd,
    out: () => out,
    err: () => err,
  }
}
