import type { Command, Io } from './io.js'
import { UsageError } from './io.js'

export type { Command, Io } from './io.js'

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  token: {
    summary: 'print an access token (client credentials)',
    load: async () => (await import('./commands/token.js')).token,
  },
  doctor: {
    summary: 'check an issuer configuration and explain a token',
    load: async () => (await import('./commands/doctor.js')).doctor,
  },
  tills: {
    summary: 'hash, import and audit POS till secrets',
    load: async () => (await import('./commands/tills.js')).tills,
  },
  'dev-issuer': {
    summary: 'run a local OAuth issuer for development and tests',
    load: async () => (await import('./commands/dev-issuer.js')).devIssuer,
  },
}

const USAGE = `usage: m2m-auth <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`)
  .join('\n')}

Run "m2m-auth <command> --help" for a command's options.
`

/** Runs the CLI; returns the process exit code. Errors are printed, never thrown. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE)
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS[name]
  if (!command) {
    io.stderr.write(`m2m-auth: unknown command "${name}"\n\n${USAGE}`)
    return 2
  }
  try {
    return await (
      await command.load()
    )(rest, io)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    io.stderr.write(`m2m-auth ${name}: ${message}\n`)
    return error instanceof UsageError ? 2 : 1
  }
}
