import { TtlCache } from '../cache/ttl-cache.js'
import { isAuthError, type AuthError } from '../errors.js'
import type { Principal } from '../principal.js'
import type { Store } from '../store/types.js'
import { counter } from '../telemetry/metrics.js'
import { createIssuerVerifier, type IssuerVerifier, type Verified } from './issuer-verifier.js'
import { isInactive } from './introspection.js'
import { decodeJwt, invalidToken, isCompactJws, type DecodedJwt } from './jws.js'
import { parseBearerToken } from '../request.js'
import type { IssuerConfig } from './options.js'

export interface VerifiedTokenCacheOptions {
  /** Most distinct tokens remembered. Default 10,000. */
  maxEntries?: number
  /** Most bytes of tokens and claims remembered. Default 32 MiB. */
  maxBytes?: number
}

interface CacheEntry {
  /** The whole token: an entry is served only to this exact string. */
  readonly token: string
  readonly principal: Principal
  readonly issuer: IssuerVerifier
  readonly kid: string
  /** Milliseconds since the epoch; the entry is never served at or after it. */
  readonly expiresAt: number
}

export interface BearerVerifier {
  verify(token: string): Promise<Principal>
  /**
   * `verify` without a promise when none is needed: the principal of a cached token, or of a
   * fresh one whose key is known, is returned and a refusal thrown (always an AuthError).
   */
  verifyNow(this: void, token: string): Principal | Promise<Principal>
  /** Whether this exact token is cached as verified (it may still have expired since). */
  isCached(this: void, token: string): boolean
  /** How full the verified-token cache is. */
  readonly cache: { readonly size: number; readonly bytes: number }
  readonly issuers: ReadonlyMap<string, IssuerVerifier>
}

/**
 * Verifies bearer JWTs from any configured issuer. The issuer is picked by the token's
 * `iss` before any key is fetched, so a foreign token never causes a network request.
 * A verified token is cached until its `exp` (checked on every hit) and only while its
 * signing key is still in the issuer's JWKS: a repeat request costs no signature check.
 */
export function createBearerVerifier(
  configs: readonly IssuerConfig[],
  options: {
    maxTokenLength: number
    cache: VerifiedTokenCacheOptions | false
    /** The user's shared store, for introspection results; absent: all in-process. */
    store?: Store | undefined
  },
): BearerVerifier {
  const verifiers = configs.map((config) => createIssuerVerifier(config, options.store))
  // Every accepted `iss` form points at its issuer (Entra tenants have two).
  const issuers = new Map(
    verifiers.flatMap((v) => v.config.issuers.map((iss) => [iss, v] as const)),
  )
  const introspecting = verifiers.filter((v) => v.introspect !== undefined)
  const cache = new TtlCache<CacheEntry>({
    maxEntries: options.cache === false ? 0 : (options.cache.maxEntries ?? 10_000),
    maxBytes: options.cache === false ? 0 : (options.cache.maxBytes ?? 32 * 1024 * 1024),
    // One-shot tokens (or more distinct tokens than entries) would only churn the heap.
    admission: 'adaptive',
  })

  const remember = (token: string, issuer: IssuerVerifier, verified: Verified): Principal => {
    // Size: the key plus roughly the decoded claims, which are about as long again.
    cache.set(
      cacheKey(token),
      {
        token,
        principal: verified.principal,
        issuer,
        kid: verified.kid,
        expiresAt: verified.expiresAt,
      },
      verified.expiresAt,
      token.length * 3,
    )
    return verified.principal
  }

  // The entry last served from the cache, and the very string it was last served for (see
  // verifyNow): equal to the entry's token, but it is the caller's own string, so the next
  // comparison with the same string is a pointer check rather than one of every character.
  let last: CacheEntry | undefined
  let lastToken: string | undefined

  // Not async: with the key already known the whole check is synchronous.
  const verifyCold = (token: string, jws: boolean): Principal | Promise<Principal> => {
    let jwt: DecodedJwt
    try {
      jwt = decodeJwt(token, jws)
    } catch (notJwt) {
      // Not a JWT: an opaque token, which only an introspecting issuer can vouch for.
      if (introspecting.length === 0) throw notJwt
      return introspectAny(introspecting, token).then((found) => remember(token, ...found))
    }
    const iss = jwt.payload.iss
    const issuer = typeof iss === 'string' ? issuers.get(iss) : undefined
    if (issuer === undefined)
      throw invalidToken('ERR_TOKEN_ISSUER', 'the token issuer is not trusted')
    const verified = issuer.verify(jwt)
    return verified instanceof Promise
      ? verified.then((v) => remember(token, issuer, v))
      : remember(token, issuer, verified)
  }

  return {
    issuers,
    cache,
    isCached: (token) => cache.peek(cacheKey(token))?.token === token,
    verifyNow,
    verify: async (token) => verifyNow(token),
  }

  /**
   * `token` may come straight from the header: a cached token passed the RFC 6750 b64token
   * grammar when it was first verified, so only a miss checks it (a 400 when it fails).
   */
  function verifyNow(token: string): Principal | Promise<Principal> {
    const now = Date.now()
    // A caller reuses one token for its whole life: the last one served from the cache is
    // compared first, whole, with the same expiry and key checks as a lookup.
    const recent = last
    if (recent !== undefined && token === lastToken) {
      if (recent.expiresAt > now && recent.issuer.hasKid(recent.kid)) {
        lastToken = token
        tokenHit()
        return recent.principal
      }
      last = undefined
    }
    const key = cacheKey(token)
    const hit = cache.get(key, now)
    if (hit !== undefined && hit.token === token) {
      if (hit.issuer.hasKid(hit.kid)) {
        last = hit
        lastToken = token
        tokenHit()
        return hit.principal
      }
      cache.delete(key)
    }
    tokenMiss()
    // One scan in the usual case: the JWS shape implies the b64token grammar.
    const jws = isCompactJws(token)
    if (!jws) parseBearerToken(token)
    // RFC 8725 §3.x spirit: bound the work an unauthenticated caller can make us do.
    if (token.length > options.maxTokenLength) {
      throw invalidToken('ERR_TOKEN_TOO_LARGE', 'the token is too large')
    }
    let result: Principal | Promise<Principal>
    try {
      result = verifyCold(token, jws)
    } catch (error) {
      throw toAuthError(error)
    }
    return result instanceof Promise ? result.catch(rethrowAuthError) : result
  }
}

/**
 * The cache is looked up by the token's last 43 characters (256 bits of base64url; part of
 * the signature for a JWT): hashing them costs a fraction of hashing a whole JWT on every request. The
 * entry keeps the whole token and is served only when it equals the presented one, so a
 * different token, even one reusing a cached token's signature, never gets its principal.
 */
function cacheKey(token: string): string {
  return token.length <= KEY_LENGTH ? token : token.slice(-KEY_LENGTH)
}

const KEY_LENGTH = 43

const tokenHit = counter('cacheLookups', { 'm2m_auth.cache': 'token', 'm2m_auth.result': 'hit' })
const tokenMiss = counter('cacheLookups', { 'm2m_auth.cache': 'token', 'm2m_auth.result': 'miss' })

/**
 * An opaque token carries no `iss`, so each introspecting issuer is asked in configured
 * order until one says it is active. If none does, an outage (503) outranks "inactive".
 */
async function introspectAny(
  verifiers: readonly IssuerVerifier[],
  token: string,
): Promise<[IssuerVerifier, Verified]> {
  let failure: unknown
  for (const verifier of verifiers) {
    try {
      return [verifier, await verifier.introspect!(token)]
    } catch (error) {
      if (failure === undefined || !isInactive(error)) failure = error
    }
  }
  throw failure
}

function rethrowAuthError(error: unknown): never {
  throw toAuthError(error)
}

/** Last line of defence: whatever went wrong verifying a token, the caller gets a 401. */
function toAuthError(error: unknown): AuthError {
  if (isAuthError(error)) return error
  return invalidToken('ERR_TOKEN_INVALID', 'the token could not be verified', error)
}
