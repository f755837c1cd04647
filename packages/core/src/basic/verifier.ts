import type { Attributes } from '@opentelemetry/api'
import { TtlCache } from '../cache/ttl-cache.js'
import { count, counter } from '../telemetry/metrics.js'
import type { Principal } from '../principal.js'
import type { AuthRequest } from '../request.js'
import {
  basicDisabled,
  findTill,
  invalidTillCredentials,
  tillDisabled,
  tillLockedOut,
  tillMigrated,
  tillStoreUnavailable,
} from './errors.js'
import type { BasicConfig } from './options.js'
import { parseBasicCredentials } from './parse.js'
import { tillPrincipal } from './principal.js'
import { DummyWork, inspectTillSecret, verifyTillSecret } from './secret.js'
import type { TillRecord, TillStore } from './till-store.js'

/** Where the deprecation headers go: Node's ServerResponse has this shape. */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown
}

interface Verified {
  /** The record this verification used; a store reload yields a new object and a re-check. */
  readonly record: TillRecord
  readonly principal: Principal
  readonly weak: boolean
}

interface Cached extends Verified {
  /** Milliseconds since the epoch; never served at or after it. */
  readonly expiresAt: number
}

export interface BasicVerifier {
  /** Synchronous on a cache hit when the till store answers synchronously; else a promise. */
  verify(value: string, request: AuthRequest, response?: HeaderSink): Principal | Promise<Principal>
  /** How many scrypt verifications ran; the cache's whole point is to keep this low. */
  readonly coldVerifications: number
}

/**
 * Verifies till Basic credentials. A success is cached for `cacheTtlMs` under the credentials
 * exactly as presented, the way a verified bearer token is, and only while the store still
 * returns the very same record; a failure is never cached. Cold verification of the same
 * credentials is single-flight. A cache hit costs one Map lookup and one `find`: as little as
 * a bearer hit. (A keyed SHA-256 of the credentials as the key, as before, cost more than the
 * whole bearer hot path; the credentials sit in memory either way, in every request's header.)
 */
export function createBasicVerifier(config: BasicConfig): BasicVerifier {
  const cache = new TtlCache<Cached>({
    maxEntries: config.cacheTtlMs === 0 ? 0 : config.cacheMaxEntries,
    maxBytes: config.cacheMaxEntries * 1024,
  })
  const inflight = new Map<string, Promise<Cached>>()
  const dummy = new DummyWork(() => config.tills.secretCosts?.())
  const stats = { scrypts: 0 }
  // The entry last served from the cache, and the credentials it was served for.
  let last: Cached | undefined
  let lastValue = ''

  const cold = async (value: string): Promise<Cached> => {
    const verified = await verifyCredentials(config, dummy, value, stats)
    const cached = { ...verified, expiresAt: Date.now() + config.cacheTtlMs }
    cache.set(value, cached, cached.expiresAt, 512)
    return cached
  }

  const verifyCold = (value: string): Promise<Cached> => {
    let pending = inflight.get(value)
    if (pending === undefined) {
      pending = cold(value).finally(() => inflight.delete(value))
      inflight.set(value, pending)
    }
    return pending
  }

  return {
    get coldVerifications() {
      return stats.scrypts
    },
    verify(value, request, response) {
      if (config.mode === 'deny') throw basicDisabled()
      const now = Date.now()
      // A till sends the same credentials all day: the last ones served from the cache are
      // compared first, whole, with the same expiry and store checks as a lookup.
      let hit = last !== undefined && value === lastValue && last.expiresAt > now ? last : undefined
      hit ??= cache.get(value, now)
      if (hit === undefined) {
        tillMiss()
        return verifyCold(value).then((v) => accept(config, v, request, response))
      }
      tillHit()
      refuseIfSeenLocked(config, hit.record.tillId, now)
      const current = stillCurrent(config, hit.record)
      if (current === true) {
        last = hit
        lastValue = value
        return accept(config, hit, request, response)
      }
      last = undefined
      const found = hit
      const verified =
        current === false
          ? verifyCold(value)
          : current.then((ok) => (ok ? found : verifyCold(value)))
      return verified.then((v) => accept(config, v, request, response))
    },
  }
}

function accept(
  config: BasicConfig,
  verified: Verified,
  request: AuthRequest,
  response: HeaderSink | undefined,
): Principal {
  announce(config, verified, request, response)
  return verified.principal
}

/**
 * The cold path: RFC 7617 parsing, a success the fleet remembers, else an attempt reserved
 * against the lockout, lookup, the same scrypt work whether or not the till exists, then the
 * per-till policy, which is only revealed to a caller who proved the secret.
 */
async function verifyCredentials(
  config: BasicConfig,
  dummy: DummyWork,
  value: string,
  stats: { scrypts: number },
): Promise<Verified> {
  const { tillId, password } = parseBasicCredentials(value)
  // The lockout first: a success another replica proved must not answer a guess while locked.
  const attempt = await config.lockout?.reserve(tillId)
  let outcome: 'succeeded' | 'failed' | 'abandoned' = 'abandoned'
  try {
    // Reused, not proven here: the attempt goes back without forgetting earlier failures.
    const remembered = await recall(config, tillId, password)
    if (remembered !== undefined)
      return admit(remembered, inspectTillSecret(remembered.secret).weak)
    const record = await findTill(config.tills, tillId)
    stats.scrypts++
    const check = await verifyTillSecret(record?.secret, password, config.pepper, dummy)
    if (record === undefined || !check.ok) {
      outcome = 'failed'
      throw invalidTillCredentials()
    }
    outcome = 'succeeded'
    await config.sharedSuccess?.remember(record, password)
    return admit(record, check.weak)
  } finally {
    // A till store outage before the secret was checked is nobody's failure: the attempt goes
    // back without counting.
    await attempt?.[outcome]()
  }
}

/** A cached success is refused while its till is locked (a lock this process has seen). */
function refuseIfSeenLocked(config: BasicConfig, tillId: string, now: number): void {
  const until = config.lockout?.lockedHere(tillId, now) ?? 0
  if (until > now) throw tillLockedOut(until, now)
}

/** A success another replica proved within the cache period (only with a shared store). */
async function recall(
  config: BasicConfig,
  tillId: string,
  password: string,
): Promise<TillRecord | undefined> {
  if (config.sharedSuccess === undefined) return undefined
  const record = await findTill(config.tills, tillId)
  return (await config.sharedSuccess.has(tillId, record, password)) ? record : undefined
}

function admit(record: TillRecord, weak: boolean): Verified {
  if (record.disabled === true) throw tillDisabled()
  if (record.migrated === true) throw tillMigrated()
  return { record, principal: tillPrincipal(record), weak }
}

/** A cache hit stands only while the store returns the very same record (no reload since). */
function stillCurrent(config: BasicConfig, record: TillRecord): boolean | Promise<boolean> {
  let found: ReturnType<TillStore['find']>
  try {
    found = config.tills.find(record.tillId)
  } catch (error) {
    throw tillStoreUnavailable(error)
  }
  if (!isPromiseLike(found)) return found === record
  return Promise.resolve(found).then(
    (current) => current === record,
    (error: unknown) => {
      throw tillStoreUnavailable(error)
    },
  )
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function'
}

/** Deprecation headers (precomputed) and the `onLegacyAuth` report; neither may fail a request. */
function announce(
  config: BasicConfig,
  { record, weak }: Verified,
  request: AuthRequest,
  response: HeaderSink | undefined,
): void {
  const store = record.store ?? 'none'
  count(
    'legacyBasic',
    config.metricTillIds ? `${store}\n${record.tillId}` : store,
    legacyAttributes,
  )
  try {
    if (response !== undefined) {
      for (const [name, value] of config.deprecationHeaders) response.setHeader(name, value)
    }
    const hook = config.onLegacyAuth
    if (hook === undefined) return
    const result: unknown = hook({
      tillId: record.tillId,
      store: record.store,
      method: request.method,
      path: pathOf(request.url),
      weak,
    })
    if (result instanceof Promise) result.catch(() => undefined)
  } catch {
    // An observer's bug, or headers already sent, must not turn a good request into a 500.
  }
}

/** `key` is the till's store, and its id after a newline when till ids are counted. */
function legacyAttributes(key: string): Attributes {
  const [store, tillId] = key.split('\n')
  const attributes: Attributes = { 'm2m_auth.till.store': store }
  if (tillId !== undefined) attributes['m2m_auth.till.id'] = tillId
  return attributes
}

const tillHit = counter('cacheLookups', { 'm2m_auth.cache': 'till', 'm2m_auth.result': 'hit' })
const tillMiss = counter('cacheLookups', { 'm2m_auth.cache': 'till', 'm2m_auth.result': 'miss' })

/** The path without the query string, which may carry anything at all. */
function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}
