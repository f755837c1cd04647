import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import {
  costKey,
  isValidCost,
  normalizeCost,
  scryptOptions,
  DEFAULT_SCRYPT_COST,
  type ScryptCost,
} from './scrypt-params.js'

/** A till's MD5 hex: 32 hexadecimal characters (RFC 1321 digest, hex-encoded). */
export const MD5_HEX = /^[0-9a-fA-F]{32}$/

const SALT_BYTES = 16
const HASH_BYTES = 32
// PHC string format: $scrypt$ln=<int>,r=<int>,p=<int>$<salt B64>$<hash B64> (B64 = unpadded base64).
const PHC =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{22,88})$/
const LEGACY = /^md5:([0-9a-fA-F]{32})$/

export interface HashTillSecretOptions {
  /** Server-side secret mixed in with HMAC-SHA-256 before scrypt; at least 16 bytes. */
  pepper?: string | Uint8Array
  /** scrypt cost; defaults to ln=15, r=8, p=1. */
  cost?: Partial<ScryptCost>
}

/** What a stored secret is, without verifying anything. */
export type TillSecretInfo =
  | { readonly kind: 'scrypt'; readonly weak: false; readonly cost: ScryptCost }
  | { readonly kind: 'md5'; readonly weak: true }
  | { readonly kind: 'invalid'; readonly weak: true }

/**
 * Wraps a till's MD5 hex for storage. The MD5 hex IS the credential a till presents, so it
 * must never be stored as is: a leaked store would be a list of working passwords. The
 * result is self-describing (cost and salt inside), so costs can rise without a migration.
 */
export async function hashTillSecret(
  md5hex: string,
  options: HashTillSecretOptions = {},
): Promise<string> {
  if (typeof md5hex !== 'string' || !MD5_HEX.test(md5hex)) {
    throw new TypeError('hashTillSecret() needs the 32-character MD5 hex of the till password')
  }
  const cost = normalizeCost(options.cost, 'cost')
  const pepper = normalizePepper(options.pepper, 'pepper')
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(keyMaterial(md5hex, pepper), salt, cost, HASH_BYTES)
  return `$scrypt$${costKey(cost)}$${b64(salt)}$${b64(hash)}`
}

export function inspectTillSecret(stored: string): TillSecretInfo {
  if (typeof stored !== 'string') return INVALID
  if (LEGACY.test(stored)) return MD5
  const parsed = parsePhc(stored)
  return parsed === undefined ? INVALID : { kind: 'scrypt', weak: false, cost: parsed.cost }
}

const INVALID: TillSecretInfo = Object.freeze({ kind: 'invalid', weak: true })
const MD5: TillSecretInfo = Object.freeze({ kind: 'md5', weak: true })

interface ParsedPhc {
  readonly cost: ScryptCost
  readonly salt: Buffer
  readonly hash: Buffer
}

function parsePhc(stored: string): ParsedPhc | undefined {
  const m = PHC.exec(stored)
  if (!m) return undefined
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  if (!isValidCost(cost)) return undefined
  return { cost, salt: Buffer.from(m[4]!, 'base64'), hash: Buffer.from(m[5]!, 'base64') }
}

export interface SecretCheck {
  readonly ok: boolean
  /** The entry is a legacy `md5:` one: usable, but a leaked store leaks the credential. */
  readonly weak: boolean
  /** The scrypt costs this check derived at, real and dummy: the same on every path. */
  readonly work: readonly string[]
}

/**
 * Verifies a presented MD5 hex against a stored secret. Every path pays one scrypt at each
 * cost of `work` — the stored secret's own derivation standing in for the dummy of its cost —
 * so response time says nothing about whether the till exists, which kind of entry it has, or
 * which cost its secret was hashed at. Comparisons are constant-time over equal lengths.
 */
export async function verifyTillSecret(
  stored: string | undefined,
  presented: string,
  pepper: Uint8Array | undefined,
  work: DummyWork,
): Promise<SecretCheck> {
  const candidate = MD5_HEX.test(presented) ? presented.toLowerCase() : presented
  const parsed = stored === undefined ? undefined : parsePhc(stored)
  if (parsed !== undefined) {
    const own = costKey(parsed.cost)
    const key = keyMaterial(candidate, pepper)
    const [hash, dummies] = await Promise.all([
      derive(key, parsed.salt, parsed.cost, parsed.hash.length),
      work.burn(candidate, own, parsed.cost),
    ])
    const match = timingSafeEqual(hash, parsed.hash)
    return { ok: match && MD5_HEX.test(presented), weak: false, work: [own, ...dummies].sort() }
  }
  const dummies = await work.burn(candidate)
  const legacy = stored === undefined ? null : LEGACY.exec(stored)
  if (!legacy) return { ok: false, weak: true, work: dummies.sort() }
  const ok = timingSafeEqual(sha256(legacy[1]!.toLowerCase()), sha256(candidate))
  return { ok: ok && MD5_HEX.test(presented), weak: true, work: dummies.sort() }
}

/** The scrypt costs every verification pays, one derivation each. */
export type CostProfile = () => readonly ScryptCost[] | undefined

/**
 * The work an unknown till, a legacy entry or a till of another cost pays, so all of them take
 * as long as a real check. The costs come from the till store (`secretCosts()`, read when it
 * loads), so this holds from the very first request; for a store that cannot tell, from the
 * costs seen so far (the default cost until the first real till is checked).
 */
export class DummyWork {
  readonly #salt = randomBytes(SALT_BYTES)
  readonly #profile: CostProfile
  readonly #seen = new Map<string, ScryptCost>()

  constructor(profile: CostProfile = () => undefined) {
    this.#profile = profile
  }

  /**
   * Derives once at every cost of the profile except `skip`, the one the caller pays for real;
   * resolves to the costs it derived at.
   */
  async burn(candidate: string, skip?: string, seen?: ScryptCost): Promise<string[]> {
    if (seen !== undefined && skip !== undefined && this.#seen.size < 8) this.#seen.set(skip, seen)
    const costs = [...this.#costs()].filter(([key]) => key !== skip)
    await Promise.all(costs.map(([, cost]) => derive(candidate, this.#salt, cost, HASH_BYTES)))
    return costs.map(([key]) => key)
  }

  #costs(): Map<string, ScryptCost> {
    const listed = this.#profile()
    if (listed !== undefined && listed.length > 0) {
      return new Map(listed.map((cost) => [costKey(cost), cost]))
    }
    if (this.#seen.size > 0) return this.#seen
    return new Map([[costKey(DEFAULT_SCRYPT_COST), DEFAULT_SCRYPT_COST]])
  }
}

function derive(
  key: string | Buffer,
  salt: Buffer,
  cost: ScryptCost,
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(key, salt, length, scryptOptions(cost), (error, hash) =>
      error ? reject(error) : resolve(hash),
    )
  })
}

function keyMaterial(md5hex: string, pepper: Uint8Array | undefined): string | Buffer {
  return pepper === undefined ? md5hex : createHmac('sha256', pepper).update(md5hex).digest()
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '')
}

export function normalizePepper(value: unknown, name: string): Uint8Array | undefined {
  if (value === undefined) return undefined
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  if (!(bytes instanceof Uint8Array) || bytes.length < 16) {
    throw new TypeError(`"${name}" must be a string or bytes of at least 16 bytes`)
  }
  return new Uint8Array(bytes)
}
