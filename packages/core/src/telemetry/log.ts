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
// Bounded repetitions: a line of many `eyJ` never makes the scan quadratic. A scheme's
// credentials are at least 8 characters with a digit or a symbol, so "refused bearer 401" and
// "Basic authentication" stay readable.
const CREDENTIAL_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /\b(Bearer|DPoP|Basic)\s+(?=[A-Za-z]*[0-9\-._~+/=])[A-Za-z0-9\-._~+/]{8,16384}=*/gi,
    '$1 [REDACTED]',
  ],
  [
    /eyJ[A-Za-z0-9_-]{0,8192}\.[A-Za-z0-9_-]{0,16384}\.[A-Za-z0-9_-]{0,8192}(\.[A-Za-z0-9_-]{0,8192}){0,2}/g,
    '[REDACTED]',
  ],
  [/(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])/g, '[REDACTED]'],
  // A URL's userinfo and query string are where a misconfigured endpoint carries a credential.
  [/\b(https?:\/\/)[^\s/?#@]{1,256}@/gi, '$1[REDACTED]@'],
  [/\b(https?:\/\/[^\s?#]{1,2048})\?[^\s#]{0,4096}/gi, '$1?[REDACTED]'],
]

// Line breaks, other controls, and the bidirectional and line-separator characters that can
// forge or hide a log line (an issuer's error text, a till id) are written as \uXXXX.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const LINE_LIMIT = 4096

/**
 * The one place every line m2m-auth writes passes through, inbound and outbound: whatever a
 * caller's redactor knew of its own secrets, anything shaped like a token, a scheme's
 * credentials or an MD5 hex never reaches a log.
 */
export function scrub(line: string): string {
  let out = line.length <= LINE_LIMIT ? line : `${line.slice(0, LINE_LIMIT)}…`
  for (const [shape, mark] of CREDENTIAL_SHAPES) out = out.replace(shape, mark)
  return out.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
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
