import type { AuthError } from '../errors.js'
import type { StoreFallbackEvent } from '../store/resilient-store.js'
import { writeLine, type Logger } from './log.js'
import { counter, countStoreFallback } from './metrics.js'

/** What the inbound side reports beyond each authentication's own outcome. */
export interface InboundEvents {
  /** A refusal: at debug with its code and reason; an outage (503) at warn, once a minute. */
  readonly refused: (scheme: string, error: AuthError) => void
  /** A till just locked out: counted, and at warn with the till id. */
  readonly lockedOut: (tillId: string, failures: number, until: number) => void
  /** The shared store went away or came back: counted, at warn, and to the user's hook. */
  readonly storeFallback: (event: StoreFallbackEvent) => void
}

const OUTAGE_LOG_INTERVAL_MS = 60_000
const lockout = counter('lockouts', {})

export function createInboundEvents(
  logger: Logger | undefined,
  onStoreFallback: ((event: StoreFallbackEvent) => void) | undefined,
): InboundEvents {
  // An outage refuses every request that needs the issuer: one warning per code a minute.
  const lastOutageLog = new Map<string, number>()
  return {
    refused(scheme, error) {
      if (logger === undefined) return
      const line = `m2m-auth: refused ${scheme} ${error.status} ${error.code}: ${error.description}`
      if (error.status !== 503) return writeLine(logger, 'debug', line)
      const now = Date.now()
      if (now - (lastOutageLog.get(error.code) ?? 0) < OUTAGE_LOG_INTERVAL_MS) return
      lastOutageLog.set(error.code, now)
      writeLine(logger, 'warn', `${line} (${describeCause(error)}; repeated at most once a minute)`)
    },
    lockedOut(tillId, failures, until) {
      lockout()
      if (logger === undefined) return
      const seconds = Math.ceil((until - Date.now()) / 1000)
      writeLine(
        logger,
        'warn',
        `m2m-auth: till ${JSON.stringify(tillId)} locked out for ${seconds} s after ${failures} failed attempts`,
      )
    },
    storeFallback(event) {
      countStoreFallback(event.state)
      if (logger !== undefined) {
        const line =
          event.state === 'unavailable'
            ? `m2m-auth: the shared store is unavailable (${event.reason}); using in-process state`
            : 'm2m-auth: the shared store is back; sharing state again'
        writeLine(logger, event.state === 'unavailable' ? 'warn' : 'info', line)
      }
      try {
        onStoreFallback?.(event)
      } catch {
        // An observer's bug must not fail the request it observes.
      }
    },
  }
}

/** The first line of the cause chain's message: what failed, never a response body. */
function describeCause(error: AuthError): string {
  const cause = error.cause
  const message = cause instanceof Error ? cause.message : error.message
  return message.split('\n')[0]!.slice(0, 200)
}
