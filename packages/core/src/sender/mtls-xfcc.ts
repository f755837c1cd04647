import { malformed } from '../request.js'
import { certificateThumbprint, derFromText } from './mtls-thumbprint.js'

/**
 * Envoy's `x-forwarded-client-cert`: elements separated by `,`, each `Key=value` pairs separated
 * by `;`, values optionally double-quoted with `\` escapes. `Cert` is the URL-encoded PEM of the
 * client certificate, `Hash` the hex SHA-256 of its DER. Returns the RFC 8705 §3.1 thumbprint,
 * or undefined when the element names no certificate.
 *
 * One element only: with `APPEND_FORWARD` an earlier hop's element (or, at an edge that does
 * not sanitize, one the client wrote itself) sits before the peer's, and nothing says which
 * hop the token belongs to. Such deployments pass a `certificate` function instead.
 */
export function xfccThumbprint(value: string): string | undefined {
  const elements = splitOutsideQuotes(value, ',')
  if (elements.length !== 1) {
    throw malformed('the x-forwarded-client-cert header must carry exactly one element')
  }
  const pairs = new Map<string, string>()
  for (const pair of splitOutsideQuotes(elements[0]!, ';')) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw malformed('the x-forwarded-client-cert header is malformed')
    pairs.set(pair.slice(0, eq).trim().toLowerCase(), unquote(pair.slice(eq + 1).trim()))
  }
  // An empty Cert is a proxy templating "no certificate" (nginx's $ssl_client_escaped_cert).
  const cert = pairs.get('cert')
  if (cert !== undefined && cert.length > 0) return certThumbprint(cert)
  const hash = pairs.get('hash')
  if (hash === undefined) return undefined
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) {
    throw malformed('the x-forwarded-client-cert Hash is not a hex SHA-256')
  }
  return Buffer.from(hash, 'hex').toString('base64url')
}

function certThumbprint(encoded: string): string {
  let pem: string
  try {
    pem = decodeURIComponent(encoded)
  } catch {
    throw malformed('the x-forwarded-client-cert Cert is not URL-encoded')
  }
  const der = derFromText(pem)
  if (der === undefined) throw malformed('the x-forwarded-client-cert Cert is not a certificate')
  return certificateThumbprint(der)
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value
  return value.slice(1, -1).replace(/\\(.)/g, '$1')
}

/** Splits on `separator` where it is not inside a double-quoted value. */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (c === '\\' && quoted) i++
    else if (c === '"') quoted = !quoted
    else if (c === separator && !quoted) {
      parts.push(value.slice(start, i))
      start = i + 1
    }
  }
  if (quoted) throw malformed('the x-forwarded-client-cert header has an unclosed quote')
  parts.push(value.slice(start))
  return parts.filter((p) => p.trim().length > 0)
}
