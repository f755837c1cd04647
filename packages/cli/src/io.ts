/** Everything a command touches outside itself, so tests run commands in-process. */
export interface Io {
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown }
  /** Reads all of standard input. */
  readonly readStdin: () => Promise<string>
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Stops a long-running command (dev-issuer) when aborted; without it, SIGINT/SIGTERM do. */
  readonly signal?: AbortSignal
}

/** A command: parses its own arguments with node:util parseArgs, returns the exit code. */
export type Command = (args: string[], io: Io) => Promise<number>

export class UsageError extends Error {}
