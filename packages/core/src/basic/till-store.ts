import { costKey, type ScryptCost } from './scrypt-params.js'
import { inspectTillSecret } from './secret.js'

/** One till as an operator stores it. */
export interface TillRecord {
  readonly tillId: string
  /** `hashTillSecret()` output, or a legacy `md5:<hex>` entry (verifies, flagged weak). */
  readonly secret: string
  readonly scopes: readonly string[]
  readonly store?: string
  /** Refused on every scheme; attribution to it is refused too. */
  readonly disabled?: boolean
  /** Moved to OAuth: refused over Basic, with a description saying so. */
  readonly migrated?: boolean
}

/**
 * Where tills live. `find` gives `undefined` for an unknown till and should not fail. It may
 * answer synchronously (the built-in stores do when they can): a cached till is then accepted
 * without a promise. A database-backed store simply returns a promise.
 */
export interface TillStore {
  find(tillId: string): TillRecord | undefined | Promise<TillRecord | undefined>
  /**
   * The distinct scrypt costs of the stored secrets, or `undefined` while unknown (not loaded
   * yet). Optional, but a store that answers it lets an unknown till id cost exactly what a
   * known one costs from the first request on; without it the costs are learnt as tills are
   * checked, starting from the default (ln=15).
   */
  secretCosts?(): readonly ScryptCost[] | undefined
}

/** The distinct scrypt costs among `records` (legacy `md5:` entries have none). */
export function secretCostsOf(records: Iterable<TillRecord>): readonly ScryptCost[] {
  const costs = new Map<string, ScryptCost>()
  for (const record of records) {
    const info = inspectTillSecret(record.secret)
    if (info.kind === 'scrypt') costs.set(costKey(info.cost), info.cost)
  }
  return Object.freeze([...costs.values()])
}

// RFC 7617 §2: the user-id cannot contain a colon or control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TILL_ID = /^[^:\u0000-\u001f\u007f]{1,128}$/
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/**
 * Validates a list of records and freezes each one. Errors name the record by position and
 * never quote a secret. A new object per record matters: the verifier notices a reload by
 * object identity, so a cached verification never outlives a change to its till.
 */
export function normalizeTillRecords(input: unknown, where: string): Map<string, TillRecord> {
  if (!Array.isArray(input)) throw new TypeError(`"${where}" must be an array of till records`)
  const map = new Map<string, TillRecord>()
  input.forEach((value: unknown, i) => {
    const record = normalizeRecord(value, `${where}[${i}]`)
    if (map.has(record.tillId)) {
      throw new TypeError(`"${where}[${i}]" repeats till ${JSON.stringify(record.tillId)}`)
    }
    map.set(record.tillId, record)
  })
  return map
}

function normalizeRecord(value: unknown, at: string): TillRecord {
  if (typeof value !== 'object' || value === null) throw new TypeError(`"${at}" must be an object`)
  const r = value as Record<string, unknown>
  if (typeof r.tillId !== 'string' || !TILL_ID.test(r.tillId)) {
    throw new TypeError(`"${at}.tillId" must be 1-128 characters without colon or controls`)
  }
  if (inspectTillSecret(r.secret as string).kind === 'invalid') {
    throw new TypeError(`"${at}.secret" must be a hashTillSecret() string or md5:<32 hex>`)
  }
  const scopes = r.scopes ?? []
  if (
    !Array.isArray(scopes) ||
    !scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))
  ) {
    throw new TypeError(`"${at}.scopes" must be an array of RFC 6749 scope-tokens`)
  }
  if (r.store !== undefined && (typeof r.store !== 'string' || r.store.length === 0)) {
    throw new TypeError(`"${at}.store" must be a non-empty string`)
  }
  for (const flag of ['disabled', 'migrated'] as const) {
    if (r[flag] !== undefined && typeof r[flag] !== 'boolean') {
      throw new TypeError(`"${at}.${flag}" must be a boolean`)
    }
  }
  return Object.freeze({
    tillId: r.tillId,
    secret: r.secret as string,
    scopes: Object.freeze([...(scopes as string[])]),
    ...(r.store === undefined ? {} : { store: r.store }),
    ...(r.disabled === true ? { disabled: true } : {}),
    ...(r.migrated === true ? { migrated: true } : {}),
  })
}

/** Tills held in memory; the records are validated and copied at construction. */
export function memoryTillStore(records: readonly TillRecord[]): TillStore {
  const map = normalizeTillRecords(records, 'records')
  const costs = secretCostsOf(map.values())
  return {
    find: (tillId) => map.get(tillId),
    secretCosts: () => costs,
  }
}
