import { createHash } from 'node:crypto'

/** RFC 8705 §3.1: `x5t#S256` is the base64url SHA-256 of the certificate's DER encoding. */
export function certificateThumbprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url')
}

const PEM = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/
const BASE64 = /^[A-Za-z0-9+/\-_]+={0,2}$/

/**
 * DER bytes from a PEM certificate or base64 / base64url DER, or undefined when the text is
 * neither. Only the first PEM block counts: it is the leaf, which the client proved it holds.
 */
export function derFromText(text: string): Uint8Array | undefined {
  const body = PEM.exec(text)?.[1] ?? text
  const compact = body.replace(/\s+/g, '')
  if (compact.length === 0 || !BASE64.test(compact)) return undefined
  const der = Buffer.from(
    compact,
    compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64',
  )
  return der.length === 0 ? undefined : der
}
