/** Replaces every occurrence of a secret with a marker; short strings are never treated as secrets. */
export type Redactor = (text: string) => string

const MARK = '[REDACTED]'

/**
 * Builds the one function every outgoing text (error message, hook payload, log line) passes
 * through. Secrets are also matched URL-, form- and JSON-encoded, the ways they travel in
 * a token request (RFC 6749 §2.3.1), in case an issuer echoes the request back.
 */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const variants = new Set<string>()
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue
    variants.add(secret)
    variants.add(encodeURIComponent(secret))
    variants.add(new URLSearchParams({ s: secret }).toString().slice(2)) // form: space is '+'
    variants.add(JSON.stringify(secret).slice(1, -1)) // inside a JSON string
  }
  const list = [...variants].sort((a, b) => b.length - a.length)
  if (list.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(MARK)
    return out
  }
}
