import type { Principal } from '../principal.js'
import { freezePrincipal, ScopeSet } from '../principal.js'
import { parseScopeClaim } from '../scope.js'
import type { JwsHeader } from './jws.js'
import { invalidToken } from './jws.js'
import type { IssuerConfig } from './options.js'

// RFC 9068 §2.1 and RFC 8725 §3.11: explicit typing; other JWT types (ID tokens with
// typ "JWT" aside) must not pass as access tokens.
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt'])
const GENERIC_TYPES = new Set(['jwt', 'application/jwt'])

export function checkType(header: JwsHeader, config: IssuerConfig): void {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined
  if (typ !== undefined && ACCESS_TOKEN_TYPES.has(typ)) return
  if (!config.requireAccessTokenType && (typ === undefined || GENERIC_TYPES.has(typ))) return
  throw invalidToken(
    'ERR_TOKEN_TYPE',
    config.requireAccessTokenType
      ? 'the token is not typed at+jwt'
      : 'the token is not an access token',
  )
}

/**
 * RFC 7519 §4.1: exp, nbf, aud (or the preset's audience claims), with the configured clock
 * tolerance, then the preset's required claims, then that this is an access token and not an
 * ID token of the same issuer. `iss` was matched already. Returns `exp`.
 */
export function checkClaims(
  payload: Record<string, unknown>,
  config: IssuerConfig,
  nowS: number,
): number {
  const exp = checkExpiry(payload, config, nowS)
  checkNotBefore(payload, config, nowS)
  checkAudience(payload, config)
  checkRequiredClaims(payload, config)
  checkAccessTokenShape(payload, config)
  return exp
}

export function checkExpiry(
  payload: Record<string, unknown>,
  config: IssuerConfig,
  nowS: number,
): number {
  const { exp } = payload
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw invalidToken('ERR_TOKEN_INVALID', 'the token has no valid exp claim')
  }
  if (exp <= nowS - config.clockTolerance)
    throw invalidToken('ERR_TOKEN_EXPIRED', 'the token has expired')
  return exp
}

export function checkNotBefore(
  payload: Record<string, unknown>,
  config: IssuerConfig,
  nowS: number,
): void {
  const { nbf } = payload
  if (nbf === undefined) return
  if (typeof nbf !== 'number' || !Number.isFinite(nbf)) {
    throw invalidToken('ERR_TOKEN_INVALID', 'the token nbf claim is not a number')
  }
  if (nbf > nowS + config.clockTolerance) {
    throw invalidToken('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet')
  }
}

/** RFC 7519 §4.1.3, generalised: any of the configured audience claims may match. */
export function checkAudience(payload: Record<string, unknown>, config: IssuerConfig): void {
  for (const claim of config.audienceClaims) {
    if (audienceMatches(payload[claim], config.audiences)) return
  }
  throw invalidToken('ERR_TOKEN_AUDIENCE', 'the token is not meant for this audience')
}

/** Data-driven claim checks from the preset (Cognito `token_use`, SuperTokens `stt`). */
export function checkRequiredClaims(payload: Record<string, unknown>, config: IssuerConfig): void {
  for (const [claim, value] of config.requiredClaims) {
    if (payload[claim] !== value) {
      throw invalidToken('ERR_TOKEN_INVALID', `the token ${claim} claim is not ${String(value)}`)
    }
  }
}

/**
 * RFC 8725 §3.11 and RFC 9068 §4: an ID token the issuer signed for a client must not pass as
 * an access token. The header `typ` was checked already; this reads the payload markers.
 */
export function checkAccessTokenShape(
  payload: Record<string, unknown>,
  config: IssuerConfig,
): void {
  const { idTokenClaims, oneOf } = config.accessToken
  for (const claim of idTokenClaims) {
    if (payload[claim] !== undefined) {
      throw invalidToken('ERR_TOKEN_TYPE', `the token is an ID token (it has ${claim})`)
    }
  }
  if (oneOf.length > 0 && !oneOf.some((claim) => payload[claim] !== undefined)) {
    throw invalidToken(
      'ERR_TOKEN_TYPE',
      `the token is not an access token (it has no ${oneOf.join(' or ')})`,
    )
  }
}

function audienceMatches(aud: unknown, audiences: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return audiences.has(aud)
  // Capillary's client_id is a number.
  if (typeof aud === 'number') return audiences.has(String(aud))
  if (Array.isArray(aud)) return aud.some((a) => typeof a === 'string' && audiences.has(a))
  return false
}

export function toPrincipal(
  payload: Record<string, unknown>,
  config: IssuerConfig,
  exp: number | undefined,
): Principal {
  const clientId =
    stringClaim(payload.client_id) ??
    stringClaim(payload.azp) ??
    stringClaim(payload.cid) ?? // Okta
    stringClaim(payload.appid) // Entra v1
  const subject = stringClaim(payload.sub) ?? clientId
  if (subject === undefined) throw invalidToken('ERR_TOKEN_INVALID', 'the token has no sub claim')
  const scopeClaim = config.scopeClaims.find((claim) => payload[claim] !== undefined)
  const tillId = stringClaim(payload[config.tillClaims.id])
  const store = stringClaim(payload[config.tillClaims.store])
  return freezePrincipal({
    scheme: 'bearer',
    subject,
    clientId,
    issuer: typeof payload.iss === 'string' ? payload.iss : config.issuer,
    scopes: new ScopeSet(scopeClaim === undefined ? [] : parseScopeClaim(payload[scopeClaim])),
    scopeClaim,
    till:
      tillId === undefined
        ? undefined
        : store === undefined
          ? { id: tillId }
          : { id: tillId, store },
    claims: payload,
    expiresAt: exp === undefined ? undefined : new Date(exp * 1000),
  })
}

function stringClaim(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return typeof value === 'string' && value.length > 0 ? value : undefined
}
