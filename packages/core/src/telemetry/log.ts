/**
 * Where m2m-auth writes its log lines: any object with `debug`, `info`, `warn` and `error`
 * taking a string (pino, winston and `console` all fit). Lines are single strings so every
 * logger formats them the same way.
 */
export interface Logger {
  debug(message: string): unknown
  info(message: string): unknown
  warn(message: string): unknown
  error(message: string): unknown
}

export type Level = keyof Logger

// Shapes that are credentials whatever produced the line: a JWT (RFC 7519 §3), a scheme with
// its credentials (RFC 7235 §2.1), a 32-digit hex run (a till's MD5), a client assertion.
const CREDENTIAL_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer|DPoP|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [REDACTED]'],
  [/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){0,2}/g, '[REDACTED]'],
  [/(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])/g, '[REDACTED]'],
]

/**
 * The one place every line m2m-auth writes passes through, inbound and outbound: whatever a
 * caller's redactor knew of its own secrets, anything shaped like a token, a scheme's
 * credentials or an MD5 hex never reaches a log.
 */
export function scrub(line: string): string {
  let out = line
  for (const [shape, mark] of CREDENTIAL_SHAPES) out = out.replace(shape, mark)
  return out
}

/** Writes one scrubbed line; a logger that throws never fails the request it reports on. */
export function writeLine(logger: Logger, level: Level, line: string): void {
  try {
    logger[level](scrub(line))
  } catch {
    // A logging bug must not turn an answer into a 500.
  }
}

export function assertLogger(value: unknown, name: string): asserts value is Logger | undefined {
  if (value === undefined) return
  const candidate = value as Partial<Record<Level, unknown>> | null | undefined
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof candidate?.[level] !== 'function') {
      throw new TypeError(
        `"${name}" must have debug, info, warn and error methods (pino, winston, console)`,
      )
    }
  }
}
