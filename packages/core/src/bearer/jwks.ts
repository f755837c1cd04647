import { KeyObject } from 'node:crypto'
import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet } from 'jose'
import { isAuthError, type AuthError } from '../errors.js'
import { fetchJson, issuerUnavailable } from '../http/fetch-json.js'
import { count, issuerResult } from '../telemetry/metrics.js'
import { tracedFetch } from '../telemetry/traces.js'
import { Refreshable } from '../http/refreshable.js'
import { invalidToken, type JwsHeader } from './jws.js'
import type { IssuerConfig } from './options.js'

interface KeySet {
  readonly select: ReturnType<typeof createLocalJWKSet>
  /** The `kid`s present, so cached verifications die with their key. */
  readonly kids: ReadonlySet<string>
  /**
   * jose's earlier answers for this set, by header `alg` then `kid` (undefined when absent):
   * selection depends on nothing else, so a repeat needs no async import. Dies with the set.
   */
  readonly selected: Map<string, Map<string | undefined, SelectedKeys>>
}

/**
 * RFC 7517 §4.5: keys may share a `kid` (the outgoing and incoming key of a rotation), and a
 * token without `kid` may match several keys. Each candidate is tried, but no more than this
 * many, so a JWKS crowded under one kid cannot make one forged token cost many signature checks.
 */
export const MAX_KEY_CANDIDATES = 4

/** The keys that may have signed a token with this header, in JWKS order; never empty. */
export interface SelectedKeys {
  readonly keys: readonly KeyObject[]
  readonly kid: string
}

/**
 * The issuer's JWKS: fetched lazily, refreshed in the background when old, kept while the
 * issuer is down. jose selects and imports the keys (by kid, kty, alg, use, key_ops, crv);
 * several matches are all candidates (see MAX_KEY_CANDIDATES). An unknown `kid` refetches at most once per cooldown, so random kids cannot hammer the
 * issuer and valid kids keep working meanwhile.
 */
export class RemoteJwks {
  readonly #config: IssuerConfig
  readonly #set: Refreshable<KeySet>
  readonly #keyObjects = new WeakMap<object, KeyObject>()

  constructor(config: IssuerConfig, jwksUri: () => Promise<string>) {
    this.#config = config
    this.#set = new Refreshable(async () => toKeySet(await fetchJwks(await jwksUri(), config)), {
      maxAgeMs: config.jwksMaxAgeMs,
      failureBackoffMs: config.failureBackoffMs,
    })
  }

  /** True while the key set (as last fetched) still holds this `kid`. */
  hasKid(kid: string): boolean {
    return this.#set.current?.kids.has(kid) ?? true
  }

  /** The keys jose already selected for this header from the current set, if any. */
  knownKeys(header: JwsHeader): SelectedKeys | undefined {
    return this.#set.peek()?.selected.get(header.alg)?.get(header.kid)
  }

  /**
   * Fetches the set now and has jose select each of its keys for each allowed algorithm, so
   * even the first token signed with one of them is verified without waiting.
   */
  async prefetch(algorithms: readonly string[]): Promise<void> {
    const set = await this.#set.get()
    for (const alg of algorithms) {
      for (const kid of set.kids) {
        // A key of another type or use does not match this algorithm: nothing to remember.
        await this.#select(set, { alg, kid: kid === '' ? undefined : kid }).catch(() => undefined)
      }
    }
  }

  async getKeys(header: JwsHeader): Promise<SelectedKeys> {
    const set = await this.#set.get()
    try {
      return await this.#select(set, header)
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw mapKeyError(error)
      if (Date.now() - this.#set.attemptedAt < this.#config.jwksCooldownMs) throw mapKeyError(error)
    }
    // An unknown kid after the cooldown: the issuer may have rotated its keys.
    const fresh = await this.#set.refresh()
    try {
      return await this.#select(fresh, header)
    } catch (error) {
      throw mapKeyError(error)
    }
  }

  async #select(set: KeySet, header: JwsHeader): Promise<SelectedKeys> {
    let keys: KeyObject[]
    try {
      keys = [this.#keyObject(await set.select({ alg: header.alg, kid: header.kid }))]
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSMultipleMatchingKeys)) throw error
      keys = await this.#candidates(error)
    }
    const selected = { keys, kid: header.kid ?? '' }
    let byKid = set.selected.get(header.alg)
    if (byKid === undefined)
      set.selected.set(header.alg, (byKid = new Map<string | undefined, SelectedKeys>()))
    // Bounded by the set: only kids jose matched to one of its keys are remembered.
    byKid.set(header.kid, selected)
    return selected
  }

  /** The first MAX_KEY_CANDIDATES keys jose found matching (kid, kty, alg, use, crv). */
  async #candidates(several: joseErrors.JWKSMultipleMatchingKeys): Promise<KeyObject[]> {
    const keys: KeyObject[] = []
    for await (const cryptoKey of several) {
      keys.push(this.#keyObject(cryptoKey))
      if (keys.length === MAX_KEY_CANDIDATES) break
    }
    // jose skips candidates it cannot import; none left is the same as none matching.
    if (keys.length === 0) throw new joseErrors.JWKSNoMatchingKey()
    return keys
  }

  #keyObject(cryptoKey: Parameters<typeof KeyObject.from>[0]): KeyObject {
    let key = this.#keyObjects.get(cryptoKey)
    if (!key) {
      key = KeyObject.from(cryptoKey)
      this.#keyObjects.set(cryptoKey, key)
    }
    return key
  }
}

async function fetchJwks(uri: string, config: IssuerConfig): Promise<JSONWebKeySet> {
  let body: unknown
  try {
    body = await fetchJson(uri, {
      fetch: tracedFetch(config.fetch, 'jwks'),
      timeoutMs: config.timeoutMs,
      what: 'JWKS',
    })
    count('jwksFetches', `${config.issuer} ok`, issuerResult)
  } catch (error) {
    count('jwksFetches', `${config.issuer} error`, issuerResult)
    throw error
  }
  const keys = (body as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw issuerUnavailable(`the JWKS at ${uri} has no keys array`)
  // Only public keys are trusted from a JWKS; a set that carries private material is refused.
  const usable = keys.filter(
    (k): k is JSONWebKeySet['keys'][number] => typeof k === 'object' && k !== null && !('d' in k),
  )
  return { keys: usable }
}

function toKeySet(jwks: JSONWebKeySet): KeySet {
  return {
    select: createLocalJWKSet(jwks),
    kids: new Set(jwks.keys.map((k) => k.kid ?? '')),
    selected: new Map(),
  }
}

/** jose's key-selection errors, mapped by code in one place. */
function mapKeyError(error: unknown): AuthError {
  if (error instanceof joseErrors.JOSEError) {
    switch (error.code) {
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return invalidToken(
          'ERR_TOKEN_KEY_UNKNOWN',
          'the token was signed with an unknown key',
          error,
        )
      case 'ERR_JOSE_NOT_SUPPORTED':
        return invalidToken('ERR_TOKEN_ALGORITHM', 'the token algorithm is not supported', error)
      case 'ERR_JWKS_INVALID':
        return issuerUnavailable('the issuer JWKS is malformed', error)
    }
  }
  if (isAuthError(error)) return error
  return invalidToken('ERR_TOKEN_INVALID', 'the token could not be verified', error)
}
