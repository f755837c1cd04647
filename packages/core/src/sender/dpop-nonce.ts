import { createHmac } from 'node:crypto'

/**
 * RFC 9449 §8/§9: server-provided nonces, stateless. A nonce is the HMAC-SHA-256, under the
 * configured secret, of the current time step; the current and the previous step are accepted.
 * Every replica holding the same secret derives the same nonces, so a nonce one replica handed
 * out is good at every other, and there is nothing to store or share.
 */
export interface NonceSource {
  /** The nonce to hand out now (RFC 9449 §8.1 `DPoP-Nonce`). */
  current(now: number): string
  /** `'current'`, `'previous'` (good, but the client should move on), or `'invalid'`. */
  check(nonce: unknown, now: number): 'current' | 'previous' | 'invalid'
}

/** How long one nonce is handed out; it stays accepted for one more step after that. */
export const NONCE_STEP_MS = 5 * 60_000

export function createNonceSource(secret: Uint8Array): NonceSource {
  let cachedStep = -1
  let cached = ''
  let previous = ''
  const nonceAt = (step: number): string =>
    createHmac('sha256', secret).update(`m2m-auth dpop-nonce ${step}`).digest('base64url')
  // One HMAC per step, not per request.
  const refresh = (now: number): void => {
    const step = Math.floor(now / NONCE_STEP_MS)
    if (step === cachedStep) return
    cached = nonceAt(step)
    previous = nonceAt(step - 1)
    cachedStep = step
  }
  return {
    current(now) {
      refresh(now)
      return cached
    },
    check(nonce, now) {
      if (typeof nonce !== 'string') return 'invalid'
      refresh(now)
      if (nonce === cached) return 'current'
      return nonce === previous ? 'previous' : 'invalid'
    },
  }
}
