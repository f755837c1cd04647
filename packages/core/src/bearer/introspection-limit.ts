/** Runs tasks with at most `maxConcurrent` at once and at most `maxQueued` waiting. */
export type ConcurrencyLimit = <T>(task: () => Promise<T>) => Promise<T>

/**
 * The per-issuer cap on introspection calls. Callers are already single-flight per token, so
 * every task here is a distinct token: a flood of distinct garbage tokens gets at most
 * `maxConcurrent` calls at the issuer, then a short FIFO queue, then `overloaded()` at once
 * (a 503 with Retry-After) rather than an ever-growing pile of waiting requests. A slot is
 * handed straight to the next waiter when a task settles, so the count never overshoots.
 */
export function createConcurrencyLimit(
  maxConcurrent: number,
  maxQueued: number,
  overloaded: () => Error,
): ConcurrencyLimit {
  let active = 0
  const waiting: Array<() => void> = []

  const release = (): void => {
    const next = waiting.shift()
    if (next === undefined) active--
    else next()
  }

  const start = async <T>(task: () => Promise<T>): Promise<T> => {
    try {
      return await task()
    } finally {
      release()
    }
  }

  return (task) => {
    if (active < maxConcurrent) {
      active++
      return start(task)
    }
    if (waiting.length >= maxQueued) return Promise.reject(overloaded())
    return new Promise<void>((resolve) => waiting.push(resolve)).then(() => start(task))
  }
}
