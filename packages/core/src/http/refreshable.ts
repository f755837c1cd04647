export interface RefreshableOptions {
  /** After this long a value is refreshed in the background while it keeps being served. */
  maxAgeMs: number
  /** After a failed load with nothing cached, callers get the same failure for this long. */
  failureBackoffMs: number
  now?: () => number
}

/**
 * A lazily loaded remote value (issuer metadata, a JWKS). Loads are single-flight; a stale
 * value is served while it refreshes (an issuer outage is invisible while we hold keys); a
 * failure with nothing cached is remembered briefly so an outage does not turn every
 * request into another connection attempt.
 */
export class Refreshable<T> {
  readonly #load: () => Promise<T>
  readonly #options: RefreshableOptions
  #value: T | undefined
  #loadedAt = 0
  #inFlight: Promise<T> | undefined
  #failure: { error: unknown; at: number } | undefined
  #attemptedAt = Number.NEGATIVE_INFINITY

  constructor(load: () => Promise<T>, options: RefreshableOptions) {
    this.#load = load
    this.#options = options
  }

  get current(): T | undefined {
    return this.#value
  }

  /** When the last load started, successful or not. */
  get attemptedAt(): number {
    return this.#attemptedAt
  }

  /** Milliseconds until a failed load may be retried (for `Retry-After`). */
  retryInMs(): number {
    if (!this.#failure) return 0
    return Math.max(0, this.#failure.at + this.#options.failureBackoffMs - this.#now())
  }

  /** The value held now, without waiting; an old one starts a background refresh. */
  peek(): T | undefined {
    const value = this.#value
    if (value !== undefined && this.#now() - this.#loadedAt >= this.#options.maxAgeMs) {
      this.refresh().catch(ignore)
    }
    return value
  }

  async get(): Promise<T> {
    const value = this.peek()
    if (value !== undefined) return value
    const failure = this.#failure
    if (failure && this.#now() - failure.at < this.#options.failureBackoffMs) throw failure.error
    return this.refresh()
  }

  /** Loads now, sharing a load already in flight. */
  refresh(): Promise<T> {
    this.#inFlight ??= this.#start()
    return this.#inFlight
  }

  async #start(): Promise<T> {
    this.#attemptedAt = this.#now()
    try {
      const value = await this.#load()
      this.#value = value
      this.#loadedAt = this.#now()
      this.#failure = undefined
      return value
    } catch (error) {
      this.#failure = { error, at: this.#now() }
      throw error
    } finally {
      this.#inFlight = undefined
    }
  }

  #now(): number {
    return (this.#options.now ?? Date.now)()
  }
}

function ignore(): void {}
