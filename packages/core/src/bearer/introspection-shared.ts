import { isAuthError, type AuthErrorCode } from '../errors.js'
import type { Store } from '../store/types.js'
import { createLease, type LeasePolicy } from './introspection-lease.js'
import { createEntrySeal } from './introspection-seal.js'
import type { Verified } from './verified.js'
import { invalidToken } from './jws.js'

/** An RFC 7662 §2.2 response as the endpoint sent it. */
export type IntrospectionClaims = Record<string, unknown>

export interface SharedIntrospectionPolicy {
  /** How long a refusal is shared; `undefined` shares none (`inactiveCache: false`). */
  readonly refusalTtlMs: number | undefined
  readonly lease: LeasePolicy
}

/** One token's introspection, settled once for the fleet: `ask` is the call to the issuer. */
export type SharedIntrospection = (
  key: string,
  token: string,
  ask: () => Promise<IntrospectionClaims>,
) => Promise<Verified>

/** What rests in the store under a token's key, sealed; `until` is wall-clock milliseconds. */
type Entry =
  | { readonly until: number; readonly claims: IntrospectionClaims }
  | { readonly until: number; readonly code: AuthErrorCode; readonly description: string }

/**
 * Introspection results shared by every replica through the `Store`, under the same key as the
 * in-process refusal cache (the token's SHA-256 at one issuer, never the token). An active
 * result is stored as the response itself — the claims the principal is built from — until
 * the token's `exp` and at most `cacheTtlMs`; a refusal for `inactiveCache.ttlMs`. A replica
 * that finds one rebuilds the result with the same checks as the replica that asked (`verify`),
 * served no longer than the entry's `until`, so a revoked token is still dropped within
 * `cacheTtlMs` fleet-wide. Each value is MACed (introspection-seal.ts): a value that is
 * missing, forged, from another secret, corrupt or expired is a miss, and a miss asks the issuer.
 */
export function createSharedIntrospection(
  store: Store,
  secret: string,
  policy: SharedIntrospectionPolicy,
  verify: (claims: IntrospectionClaims) => Verified,
): SharedIntrospection {
  const seal = createEntrySeal(secret)
  const lease = createLease(store, policy.lease)

  const write = async (key: string, entry: Entry): Promise<void> => {
    const ttlMs = entry.until - Date.now()
    if (ttlMs <= 0) return
    try {
      await store.set(key, seal.seal(key, JSON.stringify(entry)), ttlMs)
    } catch {
      // Not shared: another replica asks the issuer itself.
    }
  }

  const read = async (key: string): Promise<Verified | undefined> => {
    const entry = parseEntry(seal.open(key, (await safeGet(store, key)) ?? ''))
    if (entry === undefined || Date.now() >= entry.until) return undefined
    if ('code' in entry) throw invalidToken(entry.code, entry.description)
    const verified = verify(entry.claims)
    return { ...verified, expiresAt: Math.min(verified.expiresAt, entry.until) }
  }

  const settle = async (
    key: string,
    token: string,
    claims: IntrospectionClaims,
  ): Promise<Verified> => {
    let verified: Verified
    try {
      verified = verify(claims)
    } catch (error) {
      // Only the issuer's own verdict (active: false) is shared. A refusal by this service's
      // policy (audience, required claims) is not: another service on the same Redis prefix
      // and issuer would otherwise refuse tokens meant for it.
      if (
        isAuthError(error) &&
        error.code === 'ERR_TOKEN_INACTIVE' &&
        policy.refusalTtlMs !== undefined
      ) {
        const until = Date.now() + policy.refusalTtlMs
        await write(key, { until, code: error.code, description: error.message })
      }
      throw error
    }
    await write(key, { until: verified.expiresAt, claims: withoutToken(claims, token) })
    return verified
  }

  return async (key, token, ask) =>
    (await read(key)) ??
    lease(
      key,
      () => read(key),
      async () => settle(key, token, await ask()),
    )
}

async function safeGet(store: Store, key: string): Promise<string | undefined> {
  try {
    return await store.get(key)
  } catch {
    return undefined
  }
}

/** RFC 7662 §2.2 has no member for the token, but an endpoint may echo it: never stored. */
function withoutToken(claims: IntrospectionClaims, token: string): IntrospectionClaims {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== token))
}

function parseEntry(text: string | undefined): Entry | undefined {
  if (text === undefined) return undefined
  try {
    const value = JSON.parse(text) as Partial<Record<string, unknown>>
    if (typeof value.until !== 'number' || !Number.isFinite(value.until)) return undefined
    if (isObject(value.claims) && value.claims.active === true) return value as Entry
    if (typeof value.code === 'string' && typeof value.description === 'string') {
      return value as Entry
    }
  } catch {
    // Written by a version that wrote something else: a miss.
  }
  return undefined
}

function isObject(value: unknown): value is IntrospectionClaims {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
