import type { IssuerPreset } from './presets/index.js'

/** RFC 7662 introspection of opaque tokens, as the issuer's introspection endpoint requires. */
export interface IntrospectionOptions {
  /** The client this service authenticates as to the introspection endpoint (RFC 7662 §2.1). */
  clientId: string
  /** Its secret, for `client_secret_basic` (default) or `client_secret_post`. */
  clientSecret?: string
  /** How the client authenticates (RFC 7591 §2 names). Default `client_secret_basic`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'none'
  /** The endpoint; defaults to the issuer metadata's `introspection_endpoint`. */
  endpoint?: string
  /** Longest time an active result is reused, in ms; never past the token's `exp`. Default 60 s. */
  cacheTtlMs?: number
  /**
   * Whether an active result must name an audience (RFC 7662 §2.2 makes `aud` optional). When
   * it names one, it must match `audience` either way. Default true; a preset may decide
   * otherwise for its issuer (`hydra`: false, as Hydra answers `aud: []` unless asked for one).
   */
  requireAudience?: boolean
  /**
   * Refusals (`active: false`, or an active token this service does not accept) are remembered,
   * keyed by the token's SHA-256, so a flood of garbage tokens costs the issuer one call per
   * distinct token per `ttlMs`. Default `{ ttlMs: 10_000, maxEntries: 10_000, maxBytes: 2 MiB }`;
   * `false` turns it off.
   */
  inactiveCache?: { ttlMs?: number; maxEntries?: number; maxBytes?: number } | false
  /** Most introspection calls in flight to this issuer at once. Default 16. */
  maxConcurrent?: number
  /**
   * Distinct tokens that wait for a free call when `maxConcurrent` are in flight. Beyond that,
   * a request is answered 503 with `Retry-After: 1` at once. Default 64; 0 for no queue.
   */
  maxQueued?: number
}

export interface InactiveCacheConfig {
  readonly ttlMs: number
  readonly maxEntries: number
  readonly maxBytes: number
}

export interface IntrospectionConfig {
  readonly clientId: string
  readonly clientSecret: string | undefined
  readonly authMethod: 'client_secret_basic' | 'client_secret_post' | 'none'
  readonly endpoint: string | undefined
  readonly cacheTtlMs: number
  readonly requireAudience: boolean
  /** Off when undefined. */
  readonly inactiveCache: InactiveCacheConfig | undefined
  readonly maxConcurrent: number
  readonly maxQueued: number
}

const AUTH_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'none'])

export function normalizeIntrospection(
  value: IntrospectionOptions | undefined,
  at: string,
  checkUrl: (url: string, name: string) => void,
  preset?: IssuerPreset,
): IntrospectionConfig | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null) throw new TypeError(`"${at}" must be an object`)
  if (typeof value.clientId !== 'string' || value.clientId.length === 0) {
    throw new TypeError(`"${at}.clientId" must be a non-empty string`)
  }
  const authMethod = value.authMethod ?? 'client_secret_basic'
  if (!AUTH_METHODS.has(authMethod)) {
    throw new TypeError(`"${at}.authMethod" must be one of ${[...AUTH_METHODS].join(', ')}`)
  }
  if (
    authMethod !== 'none' &&
    (typeof value.clientSecret !== 'string' || value.clientSecret.length === 0)
  ) {
    throw new TypeError(`"${at}.clientSecret" must be a non-empty string for ${authMethod}`)
  }
  if (value.endpoint !== undefined) checkUrl(value.endpoint, `${at}.endpoint`)
  return Object.freeze({
    clientId: value.clientId,
    clientSecret: authMethod === 'none' ? undefined : value.clientSecret,
    authMethod,
    endpoint: value.endpoint,
    cacheTtlMs: atLeast(value.cacheTtlMs ?? 60_000, 0, `${at}.cacheTtlMs`),
    requireAudience: flag(
      value.requireAudience,
      preset?.introspectionRequiresAudience ?? true,
      `${at}.requireAudience`,
    ),
    inactiveCache: inactiveCache(value.inactiveCache, `${at}.inactiveCache`),
    maxConcurrent: whole(value.maxConcurrent ?? 16, 1, `${at}.maxConcurrent`),
    maxQueued: whole(value.maxQueued ?? 64, 0, `${at}.maxQueued`),
  })
}

function inactiveCache(
  value: IntrospectionOptions['inactiveCache'],
  at: string,
): InactiveCacheConfig | undefined {
  if (value === false) return undefined
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`"${at}" must be an object or false`)
  }
  const config = {
    ttlMs: whole(value?.ttlMs ?? 10_000, 0, `${at}.ttlMs`),
    maxEntries: whole(value?.maxEntries ?? 10_000, 0, `${at}.maxEntries`),
    maxBytes: whole(value?.maxBytes ?? 2 * 1024 * 1024, 0, `${at}.maxBytes`),
  }
  return config.ttlMs === 0 || config.maxEntries === 0 ? undefined : Object.freeze(config)
}

function flag(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TypeError(`"${name}" must be true or false`)
  return value
}

function atLeast(value: unknown, min: number, name: string): number {
  if (typeof value !== 'number' || !(value >= min)) {
    throw new TypeError(`"${name}" must be a number >= ${min}`)
  }
  return value
}

function whole(value: unknown, min: number, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new TypeError(`"${name}" must be a whole number >= ${min}`)
  }
  return value as number
}
