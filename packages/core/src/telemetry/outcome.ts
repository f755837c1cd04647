import { performance } from 'node:perf_hooks'
import type { AuthError } from '../errors.js'
import type { InboundEvents } from './events.js'
import { durationsRecorded, recordAuthentication, type Scheme } from './metrics.js'
import { annotateActiveSpan } from './traces.js'

/** When an authentication started, for its duration. */
export function started(): number {
  return durationsRecorded() ? performance.now() : 0
}

/** An accepted request: counted, timed, and its outcome set on the active span if any. */
export function allowed(scheme: Scheme, since: number): void {
  const seconds = since === 0 ? 0 : (performance.now() - since) / 1000
  annotateActiveSpan(recordAuthentication(scheme, 'allowed', undefined, seconds))
}

/** A refusal: the same, with its code; an issuer or store outage (503) is `unavailable`. */
export function refused(
  scheme: Scheme,
  error: AuthError,
  since: number,
  events: InboundEvents,
): void {
  const seconds = since === 0 ? 0 : (performance.now() - since) / 1000
  const outcome = error.status === 503 ? 'unavailable' : 'refused'
  annotateActiveSpan(recordAuthentication(scheme, outcome, error.code, seconds))
  events.refused(scheme, error)
}
