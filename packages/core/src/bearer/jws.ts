import { InvalidTokenError, type AuthError, type AuthErrorCode } from '../errors.js'

export interface JwsHeader {
  readonly alg: string
  readonly kid?: string
  readonly typ?: string
  readonly [name: string]: unknown
}

export interface DecodedJwt {
  readonly header: JwsHeader
  readonly payload: Record<string, unknown>
  readonly signingInput: Buffer
  readonly signature: Buffer
}

// RFC 7515 §7.1: three base64url segments (RFC 7515 §2: no padding), checked in one pass.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) without trusting any of it yet.
 * Only `alg`, `kid` and `typ` are used later; `jku`, `x5u`, `jwk` and `x5c` are never read,
 * so a token cannot choose its own key (RFC 8725 §3.10).
 */
export function decodeJwt(token: string, shapeChecked = false): DecodedJwt {
  if (!shapeChecked && !isCompactJws(token))
    throw invalidToken('ERR_TOKEN_INVALID', 'the token is not a JWT')
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  const encodedHeader = token.slice(0, first)
  const encodedPayload = token.slice(first + 1, second)
  const encodedSignature = token.slice(second + 1)
  const header = decodeHeader(encodedHeader)
  return {
    header,
    payload: decodeJson(encodedPayload, 'payload'),
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature: Buffer.from(encodedSignature, 'base64url'),
  }
}

/** Whether the token has the compact JWS shape; every such token is also an RFC 6750 b64token. */
export function isCompactJws(token: string): boolean {
  return COMPACT_JWS.test(token)
}

// An issuer signs every token with one of a handful of headers, so each distinct encoded
// header is decoded and checked once and then shared, frozen. Bounded: when full it starts
// over, so a caller sending endless distinct headers costs us nothing but their decoding.
const decodedHeaders = new Map<string, JwsHeader>()
const MAX_DECODED_HEADERS = 64

function decodeHeader(encoded: string): JwsHeader {
  const known = decodedHeaders.get(encoded)
  if (known !== undefined) return known
  const header = decodeJson(encoded, 'header')
  if (typeof header.alg !== 'string')
    throw invalidToken('ERR_TOKEN_INVALID', 'the token header has no alg')
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw invalidToken('ERR_TOKEN_INVALID', 'the token header kid is not a string')
  }
  // RFC 7515 §4.1.9: typ is a string; any other value is a malformed header, not an absent typ.
  if (header.typ !== undefined && typeof header.typ !== 'string') {
    throw invalidToken('ERR_TOKEN_INVALID', 'the token header typ is not a string')
  }
  // RFC 7515 §4.1.11: we understand no extensions, so any `crit` means reject.
  if (header.crit !== undefined) {
    throw invalidToken(
      'ERR_TOKEN_INVALID',
      'the token header has critical extensions we do not support',
    )
  }
  if (decodedHeaders.size >= MAX_DECODED_HEADERS) decodedHeaders.clear()
  const checked = Object.freeze(header) as JwsHeader
  // A copy of the key: `encoded` is a slice that would keep the whole token alive.
  decodedHeaders.set(Buffer.from(encoded, 'latin1').toString('latin1'), checked)
  return checked
}

function decodeJson(segment: string, part: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    throw invalidToken('ERR_TOKEN_INVALID', `the token ${part} is not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidToken('ERR_TOKEN_INVALID', `the token ${part} is not a JSON object`)
  }
  return value as Record<string, unknown>
}

export function invalidToken(code: AuthErrorCode, description: string, cause?: unknown): AuthError {
  return new InvalidTokenError({ code, description, cause })
}
