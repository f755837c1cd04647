import type { Store } from '../store/types.js'
import { createLockout, DEFAULT_LOCKOUT, type Lockout, type LockoutPolicy } from './lockout.js'
import { normalizePepper } from './secret.js'
import { createSharedSuccess, type SharedSuccess } from './shared-success.js'
import type { TillStore } from './till-store.js'

export type BasicMode = 'allow' | 'deprecate' | 'deny'

/** What `onLegacyAuth` hears about each successful Basic authentication. Never a secret. */
export interface LegacyAuthEvent {
  readonly tillId: string
  readonly store: string | undefined
  readonly method: string | undefined
  /** The request path without its query string. */
  readonly path: string | undefined
  /** The till's stored secret is a legacy `md5:` entry. */
  readonly weak: boolean
}

export interface BasicOptions {
  /** Where tills are looked up: `memoryTillStore([...])` or `fileTillStore(path)`. */
  tills: TillStore
  /** Realm of the Basic challenge (RFC 7617 §2). Default `"pos"`. */
  realm?: string
  /** `allow` (default), `deprecate` (adds Deprecation/Sunset/Link), or `deny` (Basic refused). */
  mode?: BasicMode
  /** The server-side pepper the secrets were hashed with (`hashTillSecret({ pepper })`). */
  pepper?: string | Uint8Array
  /**
   * Lock a till out after repeated failures; `false` turns it off (not recommended). Counted
   * in the authenticator's `store`: in this process by default, fleet-wide on a shared one.
   */
  lockout?: Partial<LockoutPolicy> | false
  /** Cache of successful verifications; `false` turns it off. */
  cache?: { ttlMs?: number; maxEntries?: number } | false
  /** Headers sent on successful Basic responses in `deprecate` mode. */
  deprecation?: {
    /** RFC 9745 `Deprecation` date. Default: when the authenticator was created. */
    date?: Date
    /** RFC 8594 `Sunset`: when Basic stops working. */
    sunset?: Date
    /** Migration notes, sent as `Link: <…>; rel="deprecation"` (RFC 9745 §3). */
    link?: string
  }
  /** Reports each successful Basic authentication, so operators see who still has to move. */
  onLegacyAuth?: (event: LegacyAuthEvent) => void | Promise<void>
  /**
   * `m2m_auth.legacy_basic.uses` is counted per till store; `tillIds: true` adds the till id
   * as an attribute (one time series per till: only for fleets small enough to afford it).
   */
  metrics?: { tillIds?: boolean }
}

export interface BasicConfig {
  readonly tills: TillStore
  readonly realm: string
  readonly mode: BasicMode
  readonly pepper: Uint8Array | undefined
  readonly lockout: Lockout | undefined
  /** Successes remembered by the whole fleet: a shared store and a pepper (the HMAC key). */
  readonly sharedSuccess: SharedSuccess | undefined
  readonly cacheTtlMs: number
  readonly cacheMaxEntries: number
  /** `[name, value]` pairs, rendered once; empty unless mode is `deprecate`. */
  readonly deprecationHeaders: ReadonlyArray<readonly [string, string]>
  readonly onLegacyAuth: ((event: LegacyAuthEvent) => void | Promise<void>) | undefined
  /** Till ids as a metric attribute (`basic.metrics.tillIds`). */
  readonly metricTillIds: boolean
}

const MODES: ReadonlySet<string> = new Set(['allow', 'deprecate', 'deny'])

/** `shared`: the store is one every replica uses (not this process's own memory). */
export function normalizeBasic(
  options: BasicOptions,
  store: Store,
  shared = false,
  onLockedOut?: (tillId: string, failures: number, until: number) => void,
): BasicConfig {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"basic" must be an object')
  if (typeof options.tills?.find !== 'function') {
    throw new TypeError('"basic.tills" must be a TillStore (memoryTillStore or fileTillStore)')
  }
  const mode = options.mode ?? 'allow'
  if (!MODES.has(mode)) throw new TypeError('"basic.mode" must be "allow", "deprecate" or "deny"')
  if (options.onLegacyAuth !== undefined && typeof options.onLegacyAuth !== 'function') {
    throw new TypeError('"basic.onLegacyAuth" must be a function')
  }
  const policy = lockoutPolicy(options.lockout)
  const cache = options.cache === false ? { ttlMs: 0, maxEntries: 0 } : (options.cache ?? {})
  const pepper = normalizePepper(options.pepper, 'basic.pepper')
  const cacheTtlMs = count(cache.ttlMs ?? 60_000, 'basic.cache.ttlMs')
  return Object.freeze({
    tills: options.tills,
    realm: nonEmpty(options.realm ?? 'pos', 'basic.realm'),
    mode,
    pepper,
    lockout: policy && createLockout(policy, store, onLockedOut),
    sharedSuccess:
      shared && pepper !== undefined && cacheTtlMs > 0
        ? createSharedSuccess(store, pepper, cacheTtlMs)
        : undefined,
    cacheTtlMs,
    cacheMaxEntries: count(cache.maxEntries ?? 10_000, 'basic.cache.maxEntries'),
    deprecationHeaders: mode === 'deprecate' ? deprecationHeaders(options.deprecation) : [],
    onLegacyAuth: options.onLegacyAuth,
    metricTillIds: metricTillIds(options.metrics),
  })
}

function lockoutPolicy(value: BasicOptions['lockout']): LockoutPolicy | undefined {
  if (value === false) return undefined
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError('"basic.lockout" must be an object or false')
  }
  const maxFailures = value?.maxFailures ?? DEFAULT_LOCKOUT.maxFailures
  if (!Number.isInteger(maxFailures) || maxFailures < 1) {
    throw new TypeError('"basic.lockout.maxFailures" must be an integer >= 1')
  }
  return Object.freeze({
    maxFailures,
    windowMs: count(value?.windowMs ?? DEFAULT_LOCKOUT.windowMs, 'basic.lockout.windowMs', 1),
    coolDownMs: count(
      value?.coolDownMs ?? DEFAULT_LOCKOUT.coolDownMs,
      'basic.lockout.coolDownMs',
      1,
    ),
  })
}

function deprecationHeaders(value: BasicOptions['deprecation']): Array<[string, string]> {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError('"basic.deprecation" must be an object')
  }
  const date = validDate(value?.date ?? new Date(), 'basic.deprecation.date')
  // RFC 9745 §2.1: an RFC 9651 Date structured field, `@` + seconds since the epoch.
  const headers: Array<[string, string]> = [
    ['Deprecation', `@${Math.floor(date.getTime() / 1000)}`],
  ]
  // RFC 8594 §3: Sunset = HTTP-date.
  if (value?.sunset !== undefined) {
    headers.push(['Sunset', validDate(value.sunset, 'basic.deprecation.sunset').toUTCString()])
  }
  if (value?.link !== undefined) {
    let url: URL
    try {
      url = new URL(value.link)
    } catch {
      throw new TypeError('"basic.deprecation.link" must be an absolute URL')
    }
    // RFC 9745 §3: the "deprecation" link relation points at human-readable notes.
    headers.push(['Link', `<${url.href}>; rel="deprecation"; type="text/html"`])
  }
  return headers
}

function validDate(value: unknown, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`"${name}" must be a valid Date`)
  }
  return value
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`"${name}" must be a non-empty string`)
  }
  return value
}

function count(value: unknown, name: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`"${name}" must be a number >= ${min}`)
  }
  return value
}

function metricTillIds(value: BasicOptions['metrics']): boolean {
  if (value === undefined) return false
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('"basic.metrics" must be an object')
  }
  if (value.tillIds !== undefined && typeof value.tillIds !== 'boolean') {
    throw new TypeError('"basic.metrics.tillIds" must be a boolean')
  }
  return value.tillIds === true
}
