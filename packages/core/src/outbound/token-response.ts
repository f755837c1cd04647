import { decodeJwt } from 'jose'

/** A successful token endpoint answer, whatever the issuer's wire format. */
export interface TokenResponse {
  readonly accessToken: string
  readonly tokenType: string
  /** Seconds, as sent; may be missing (RFC 6749 §5.1 only RECOMMENDS it) or a numeric string. */
  readonly expiresIn: unknown
  readonly scope?: string | undefined
}

/**
 * Milliseconds the token lives, counted from when the request was sent (so time in flight
 * shortens, never lengthens, its life): `expires_in` as a number or numeric string, else the
 * JWT's `exp` (RFC 7519 §4.1.4; read, not verified: we only schedule by it), else the default.
 */
export function lifetimeMs(response: TokenResponse, defaultMs: number, elapsedMs: number): number {
  const seconds = toSeconds(response.expiresIn)
  if (seconds !== undefined) return seconds * 1000
  const exp = jwtExp(response.accessToken)
  // `exp` is wall-clock time, so it is compared with the wall clock, not an injected one;
  // `elapsedMs` converts "from now" into "from when the request was sent".
  if (exp !== undefined) return Math.max(0, exp * 1000 - Date.now() + elapsedMs)
  return defaultMs
}

function toSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined
}

function jwtExp(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token)
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined
  } catch {
    return undefined // opaque token
  }
}
