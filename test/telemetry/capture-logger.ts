import type { AuthenticatorOptions } from '@m2m-auth/core'

// Core does not export its `Logger` type; the option's type is the same thing.
type Logger = NonNullable<AuthenticatorOptions['logger']>

export type Level = 'debug' | 'info' | 'warn' | 'error'

export interface LogLine {
  readonly level: Level
  readonly line: string
}

/** A logger (pino's shape, strings only) that keeps every line it is given, with its level. */
export function captureLogger(): {
  logger: Logger
  lines: LogLine[]
  at(level: Level): string[]
  texts(): string[]
} {
  const lines: LogLine[] = []
  const write =
    (level: Level) =>
    (line: string): void => {
      lines.push({ level, line })
    }
  return {
    logger: {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
    },
    lines,
    at: (level) => lines.filter((l) => l.level === level).map((l) => l.line),
    texts: () => lines.map((l) => l.line),
  }
}
