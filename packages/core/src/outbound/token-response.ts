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
 * The longest a token is kept, whatever the issuer says. RFC 6749 §5.1 sets no bound, but an
 * M2M token meant to live longer than a day is a mistake or an attack, and `expires_in: 1e20`
 * would be an Invalid Date cached for ever; a day is also where the issuer metadata is reloaded.
 */
export const MAX_LIFETIME_MS = 24 * 3_600_000

/**
 * Milliseconds the token lives, counted from when the request was sent (so time in flight
 * shortens, never lengthens, its life): `expires_in` as a number or numeric string, else the
 * JWT's `exp` (RFC 7519 §4.1.4; read, not verified: we only schedule by it), else the default;
 * always between 0 (use once, see token-slot.ts) and MAX_LIFETIME_MS.
 */
export function lifetimeMs(response: TokenResponse, defaultMs: number, elapsedMs: number): number {
  return Math.min(Math.max(0, uncappedMs(response, defaultMs, elapsedMs)), MAX_LIFETIME_MS)
}

function uncappedMs(response: TokenResponse, defaultMs: number, elapsedMs: number): number {
  const seconds = expiresInSeconds(response.expiresIn)
  if (seconds !== undefined) return seconds * 1000
  const exp = jwtExp(response.accessToken)
  // `exp` is wall-clock time, so it is compared with the wall clock, not an injected one;
  // `elapsedMs` converts "from now" into "from when the request was sent".
  if (exp !== undefined) return exp * 1000 - Date.now() + elapsedMs
  return defaultMs
}

/**
 * `expires_in` in seconds when it is a usable one: a finite number >= 0, or a decimal string
 * of one (LoginRadius sends a string). Missing is `undefined`; anything else is refused before
 * this is asked (see token-response-checks.ts).
 */
export function expiresInSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined
}

const DECIMAL = /^\s*(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

function jwtExp(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token)
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined
  } catch {
    return undefined // opaque token
  }
}
