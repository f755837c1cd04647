import { basicForms, secretForms } from './secret-forms.js'

/** Replaces every occurrence of a secret with a marker; short strings are never treated as secrets. */
export type Redactor = (text: string) => string

export interface RedactorOptions {
  /**
   * The client id the secrets belong to: each secret is then also redacted inside the
   * `Authorization: Basic` credentials that carry it (RFC 7617 §2, RFC 6749 §2.3.1).
   */
  readonly clientId?: string | undefined
  /**
   * Also redact anything shaped like a compact JWS or JWE (RFC 7515 §7.1, RFC 7516 §7.1): a
   * `private_key_jwt` client assertion (RFC 7523 §2.2) is a credential made per request, and a
   * JWT access token is one too; neither is known when the redactor is built.
   */
  readonly jwt?: boolean
}

const MARK = '[REDACTED]'
const MIN_SECRET_LENGTH = 4

// A JOSE header is a JSON object, so its base64url starts `eyJ` (`{"`); segments are
// base64url, possibly percent-encoded as RFC 6749 Appendix B does (`-` `_` `.`).
const B64URL = String.raw`(?:[A-Za-z0-9_-]|%2[Dd]|%5[Ff])`
const DOT = String.raw`(?:\.|%2[Ee])`
// Segments are bounded, so a text of many `eyJ` never makes the scan quadratic.
const JWT_SHAPED = new RegExp(
  String.raw`eyJ${B64URL}{0,8192}${DOT}${B64URL}{1,16384}(?:${DOT}${B64URL}{0,8192}){1,3}`,
  'g',
)

/**
 * Builds the one function every outgoing text (error message, hook payload, log line) passes
 * through. A secret is matched in every form it takes in a token request (raw, URL-, form- and
 * JSON-encoded, and with `clientId` inside Basic credentials) and in every form an issuer that
 * echoes the request back may give it (JSON-escaped, URL-encoded once more); see secret-forms.ts.
 */
export function createRedactor(
  secrets: ReadonlyArray<string | undefined>,
  options: RedactorOptions = {},
): Redactor {
  const given = [...secrets]
  const { clientId, jwt = false } = options
  // Built on first use: texts are redacted on failures only, and a redactor may be made per
  // request (introspection), where ~30-100 µs of encoding for nothing would add up.
  let list: readonly string[] | undefined
  return (text) => {
    let out = text
    for (const secret of (list ??= variantsOf(given, clientId)))
      if (out.includes(secret)) out = out.split(secret).join(MARK)
    return jwt ? out.replace(JWT_SHAPED, MARK) : out
  }
}

/** Every form of every secret, longest first: one that contains another is replaced whole. */
function variantsOf(secrets: ReadonlyArray<string | undefined>, clientId?: string): string[] {
  const variants = new Set<string>()
  for (const secret of secrets) {
    if (secret === undefined || secret.length === 0) continue
    // A few characters would match by coincidence; their Basic credentials are long enough.
    if (secret.length >= MIN_SECRET_LENGTH)
      for (const form of secretForms(secret)) variants.add(form)
    if (clientId !== undefined) for (const form of basicForms(clientId, secret)) variants.add(form)
  }
  const list = [...variants].filter((v) => v.length >= MIN_SECRET_LENGTH)
  return list.sort((a, b) => b.length - a.length)
}
