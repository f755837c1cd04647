import { scrub } from '../telemetry/log.js'
import { memoryStore } from './memory-store.js'
import type { Store } from './types.js'

/** What `onStoreFallback` hears: the shared store went away, or came back. Never a key or value. */
export interface StoreFallbackEvent {
  readonly state: 'unavailable' | 'recovered'
  /** The primitive that failed or first succeeded again. */
  readonly operation: keyof Store
  /** Why it failed (`unavailable` only): the client's error message, or the deadline. */
  readonly reason?: string
}

export interface ResilientStoreOptions {
  /** Deadline for each call to the shared store. Default 250 ms. */
  timeoutMs?: number
  /** After a failure, calls skip the shared store this long before trying it again. Default 1 s. */
  retryAfterMs?: number
  onFallback?: ((event: StoreFallbackEvent) => void) | undefined
}

/**
 * A shared store that can never take a request down with it. Every call has a short deadline;
 * a call that fails or misses it is answered by an in-process store instead, and for
 * `retryAfterMs` after that every call goes straight there (no request waits on a dead Redis),
 * then the shared store is tried again, so sharing resumes by itself. An outage is reported
 * once when it starts and once when it ends, as a process warning and to `onFallback`.
 * In-process answers are the safe side for every policy built on the store: lockout still
 * counts (per replica), a single flight still holds (per replica), a replay is still refused
 * (by the replica that saw it).
 */
export function resilientStore(shared: Store, options: ResilientStoreOptions = {}): Store {
  const timeoutMs = options.timeoutMs ?? 250
  const retryAfterMs = options.retryAfterMs ?? 1000
  const local = memoryStore()
  let downUntil = 0
  let down = false

  const report = (event: StoreFallbackEvent): void => {
    const what =
      event.state === 'unavailable'
        ? `the shared store is unavailable (${event.reason}); using in-process state until it is back`
        : 'the shared store is back; sharing state again'
    process.emitWarning(scrub(`m2m-auth: ${what}`), 'M2mAuthWarning')
    try {
      options.onFallback?.(event)
    } catch {
      // An observer's bug must not fail the request it observes.
    }
  }

  const call = <K extends keyof Store>(operation: K) =>
    (async (...args: unknown[]) => {
      const fallback = () => (local[operation] as (...a: unknown[]) => Promise<unknown>)(...args)
      if (Date.now() < downUntil) return fallback()
      try {
        // A store that answers synchronously, or throws, is taken as it is.
        const answer = Promise.resolve().then(() =>
          (shared[operation] as (...a: unknown[]) => Promise<unknown>).apply(shared, args),
        )
        const result = await withDeadline(answer, timeoutMs)
        await mirror(local, operation, args, result)
        if (down) {
          down = false
          report({ state: 'recovered', operation })
        }
        return result
      } catch (error) {
        downUntil = Date.now() + retryAfterMs
        if (!down) {
          down = true
          report({ state: 'unavailable', operation, reason: reasonOf(error) })
        }
        return fallback()
      }
    }) as Store[K]

  return {
    increment: call('increment'),
    get: call('get'),
    set: call('set'),
    setIfAbsent: call('setIfAbsent'),
    deleteIfEquals: call('deleteIfEquals'),
  }
}

/**
 * What the shared store answered is written through to the in-process one, so a fallback
 * continues from the fleet's counts and sees the locks and leases this replica last saw,
 * instead of starting from nothing (a lock would vanish for as long as Redis is away).
 */
async function mirror(
  local: Store,
  operation: keyof Store,
  args: unknown[],
  result: unknown,
): Promise<void> {
  const [key, value, ttlMs] = args as [string, unknown, number]
  if (operation === 'increment' && typeof result === 'number') {
    await local.set(key, String(result), args[2] as number)
  } else if (operation === 'set' || (operation === 'setIfAbsent' && result === true)) {
    await local.set(key, value as string, ttlMs)
  } else if (operation === 'deleteIfEquals' && result === true) {
    await local.deleteIfEquals(key, value as string)
  }
}

class DeadlineError extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    // Timers run before I/O callbacks: after a stall of the event loop (GC, a big parse) an
    // answer that already arrived would lose to the timer. One turn of the loop lets it in.
    const expire = (): void => {
      setImmediate(() => reject(new DeadlineError(`no answer within ${ms} ms`)))
    }
    timer = setTimeout(expire, ms)
    timer.unref()
  })
  // A late rejection of the abandoned call must not become an unhandled rejection.
  promise.catch(() => undefined)
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.slice(0, 200)
}
