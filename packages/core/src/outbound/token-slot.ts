import { emit, type TokenClientHooks, type TokenFailureEvent, type TokenSubject } from './hooks.js'
import { isTokenRequestError, type TokenRequestError } from './errors.js'
import { retrySchedule, type Schedule } from './refresh-policy.js'

/** A token as handed to callers. */
export interface AccessToken {
  readonly accessToken: string
  readonly tokenType: string
  readonly expiresAt: Date
  readonly scope: string | undefined
  /** The request headers that present this token to an API (`Authorization: Bearer …`, RFC 6750 §2.1). */
  readonly headers: Readonly<Record<string, string>>
}

/** What one successful fetch produced. */
export interface FetchedToken {
  readonly token: AccessToken
  /** When to refresh it and stop serving it; `undefined`: use once, do not cache. */
  readonly schedule: Schedule | undefined
  readonly attempts: number
  readonly durationMs: number
}

interface Cached {
  readonly token: AccessToken
  /** Resolved once, shared by every cache hit: a hit allocates nothing. */
  readonly value: Promise<string>
  readonly usableUntil: number
  refreshAt: number
}

export interface SlotContext {
  readonly now: () => number
  readonly hooks: TokenClientHooks
}

/**
 * The cached token for one (endpoint, client, scopes, audience, resource). Cache hits are
 * synchronous; a miss or an expired token waits for one shared request (single-flight); past
 * `refreshAt` the current token is still served while one background refresh runs; a token
 * is never served past `usableUntil`, and a failed refresh leaves a valid token in place.
 */
export class TokenSlot {
  readonly subject: TokenSubject
  /** `rejected`: the token an API refused last, which a shared cache must not hand back. */
  readonly #fetch: (rejected: string | undefined) => Promise<FetchedToken>
  #rejected: string | undefined
  readonly #context: SlotContext
  #cached: Cached | undefined
  #inFlight: Promise<Cached> | undefined

  constructor(
    subject: TokenSubject,
    fetch: (rejected: string | undefined) => Promise<FetchedToken>,
    context: SlotContext,
  ) {
    this.subject = subject
    this.#fetch = fetch
    this.#context = context
  }

  token(): Promise<string> {
    const cached = this.#usable()
    return cached ? cached.value : this.#load().then(valueOf)
  }

  accessToken(): Promise<AccessToken> {
    const cached = this.#usable()
    return cached ? Promise.resolve(cached.token) : this.#load().then(tokenOf)
  }

  /** Drops the cached token; with `accessToken`, only if it is still the cached one. */
  invalidate(accessToken?: string): void {
    if (accessToken === undefined || this.#cached?.token.accessToken === accessToken) {
      this.#rejected = this.#cached?.token.accessToken ?? accessToken
      this.#cached = undefined
    }
  }

  #usable(): Cached | undefined {
    const cached = this.#cached
    if (cached === undefined) return undefined
    const now = this.#context.now()
    if (now >= cached.refreshAt) {
      if (now >= cached.usableUntil) return undefined
      if (this.#inFlight === undefined) this.#load().catch(ignore)
    }
    const { cacheHit } = this.#context.hooks
    if (cacheHit !== undefined)
      emit(cacheHit, () => ({
        ...this.subject,
        expiresIn: Math.round((cached.token.expiresAt.getTime() - Date.now()) / 1000),
      }))
    return cached
  }

  #load(): Promise<Cached> {
    return (this.#inFlight ??= this.#start())
  }

  async #start(): Promise<Cached> {
    const previous = this.#cached
    const background = previous !== undefined && this.#context.now() < previous.usableUntil
    try {
      const fetched = await this.#fetch(this.#rejected)
      const cached =
        fetched.schedule === undefined
          ? this.#useOnce(fetched.token, previous)
          : this.#store(fetched.token, fetched.schedule, previous)
      emit(this.#context.hooks.tokenFetched, () => ({
        ...this.subject,
        durationMs: fetched.durationMs,
        attempts: fetched.attempts,
        expiresIn: Math.round((fetched.token.expiresAt.getTime() - Date.now()) / 1000),
        background,
      }))
      if (fetched.schedule !== undefined) this.#cached = cached
      return cached
    } catch (error) {
      this.#failed(error)
      throw error
    } finally {
      this.#inFlight = undefined
    }
  }

  /**
   * A token that lives 0 s (RFC 6749 §5.1 `expires_in: 0`) goes to the callers of the request
   * that brought it, and to no one after: caching it would serve an expired token. A still-valid
   * token we hold keeps being served; its next refresh waits as after a failed one, not a loop.
   */
  #useOnce(token: AccessToken, previous: Cached | undefined): Cached {
    const now = this.#context.now()
    if (previous !== undefined && now < previous.usableUntil)
      previous.refreshAt = retrySchedule(now, previous.usableUntil)
    return { token, value: Promise.resolve(token.accessToken), usableUntil: now, refreshAt: now }
  }

  #store(token: AccessToken, schedule: Schedule, previous: Cached | undefined): Cached {
    const cached: Cached = {
      token,
      value: Promise.resolve(token.accessToken),
      usableUntil: schedule.usableUntil,
      refreshAt: schedule.refreshAt,
    }
    // The issuer answered with the token we hold, or one no newer: it caches tokens per
    // client. Asking again at the usual lead would loop; ask again later instead.
    if (
      previous !== undefined &&
      (token.accessToken === previous.token.accessToken ||
        schedule.usableUntil <= previous.usableUntil)
    )
      cached.refreshAt = retrySchedule(this.#context.now(), schedule.usableUntil)
    return cached
  }

  #failed(error: unknown): void {
    const now = this.#context.now()
    const cached = this.#cached
    const still = cached !== undefined && now < cached.usableUntil
    if (still) cached.refreshAt = retrySchedule(now, cached.usableUntil)
    if (!isTokenRequestError(error)) return
    const hook = still ? this.#context.hooks.refreshFailed : this.#context.hooks.requestFailed
    emit(hook, () => failureEvent(this.subject, error))
  }
}

function failureEvent(subject: TokenSubject, error: TokenRequestError): TokenFailureEvent {
  return { ...subject, code: error.code, reason: error.message, attempts: error.attempts }
}

const valueOf = (cached: Cached): string => cached.token.accessToken
const tokenOf = (cached: Cached): AccessToken => cached.token
function ignore(): void {}
