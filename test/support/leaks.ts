import { createHash } from 'node:crypto'

/** The encodings a secret could leak in: as is, base64, base64url, hex, and its MD5 hex. */
export function leakForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const md5 = createHash('md5').update(bytes).digest('hex')
  return [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    md5,
    md5.toUpperCase(),
  ]
}

// A JWS header or payload starts `eyJ` (base64url of `{"`); an MD5 hex is 32 hex digits.
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]{8,}/
const MD5_LIKE = /(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])/

/**
 * Returns a description of the first leak found in `text`, or undefined. `secrets` shorter
 * than 8 characters are skipped: they would match by coincidence (the word "Bearer").
 */
export function findLeak(text: string, secrets: readonly string[]): string | undefined {
  for (const secret of secrets) {
    if (secret.length < 8) continue
    for (const form of leakForms(secret)) {
      if (text.includes(form)) return `contains ${JSON.stringify(form.slice(0, 24))}…`
    }
  }
  if (TOKEN_LIKE.test(text)) return `contains JWT material: ${TOKEN_LIKE.exec(text)![0]}`
  if (MD5_LIKE.test(text)) return `contains an MD5-like hex: ${MD5_LIKE.exec(text)![0]}`
  return undefined
}

/** Everything a response shows a client, as one string. */
export function responseText(res: {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}): string {
  return `${res.status}\n${JSON.stringify(res.headers)}\n${res.text}`
}

/** Collects what the process writes to stdout and stderr (log lines) until `stop()`. */
export function captureOutput(): { lines: string[]; stop(): void } {
  const lines: string[] = []
  const originals = [process.stdout.write, process.stderr.write] as const
  const tap =
    (stream: NodeJS.WriteStream, original: typeof process.stdout.write): typeof stream.write =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString())
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest)
    }
  process.stdout.write = tap(process.stdout, originals[0])
  process.stderr.write = tap(process.stderr, originals[1])
  return {
    lines,
    stop() {
      process.stdout.write = originals[0]
      process.stderr.write = originals[1]
    },
  }
}
