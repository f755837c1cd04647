import { setTimeout as sleep } from 'node:timers/promises'
import { REPORTING_TOKEN_TTL } from './clients.js'
import { call } from './http.js'
import type { Held } from './tokens.js'
import { refusal, type Step } from './step.js'

/** The verifiers' default clock tolerance (seconds) for `exp` (RFC 7519 §4.1.4). */
const CLOCK_TOLERANCE_S = 5

/**
 * The reporting client's token really expires: the issuer gave it a REPORTING_TOKEN_TTL-second
 * lifetime, and the demo waits past `exp` plus the verifier's clock tolerance. No forged token.
 */
export function expiryStep(held: Held, print: (line: string) => void): Step {
  return {
    from: 'reporting',
    to: 'calendar-service',
    request: 'GET /events',
    credentials: `Bearer, the token from step 2 (issued with a ${REPORTING_TOKEN_TTL} s lifetime)`,
    story: 'Tokens expire: the same read, once the token is past exp and the clock tolerance.',
    expect: { status: 401, error: 'invalid_token', detail: /expired/i },
    run: async (world) => {
      const token = held.reporting
      if (token === undefined) throw new Error('step 2 did not get a reporting token')
      const expiredAt = token.expiresAt.getTime() + CLOCK_TOLERANCE_S * 1000 + 1_000
      const waitMs = Math.min(Math.max(0, expiredAt - Date.now()), 15_000)
      print(`    (waiting ${(waitMs / 1000).toFixed(1)} s for the token to expire...)`)
      await sleep(waitMs)
      const exchange = await call(`${world.urls.calendar}/events`, { headers: token.headers })
      return refusal(exchange)
    },
  }
}
