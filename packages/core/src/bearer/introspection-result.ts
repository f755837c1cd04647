import { checkAudience, checkNotBefore, checkRequiredClaims, toPrincipal } from './claims.js'
import type { IntrospectionConfig } from './introspection-options.js'
import type { Verified } from './verified.js'
import { invalidToken } from './jws.js'
import type { IssuerConfig } from './options.js'

const NOT_ACCESS_TOKENS = new Set(['refresh_token', 'id_token'])

/**
 * RFC 7662 §2.2: only `active` is required; every other member is checked when present, and
 * an audience is required unless this issuer is configured to do without. Every refusal is a
 * 401 `invalid_token`, which the caller may remember (it does not change within seconds).
 */
export function toVerified(
  result: Record<string, unknown>,
  config: IssuerConfig,
  introspection: IntrospectionConfig,
): Verified {
  if (result.active !== true) throw invalidToken('ERR_TOKEN_INACTIVE', 'the token is not active')
  const { iss, exp } = result
  if (iss !== undefined && !(typeof iss === 'string' && config.issuers.includes(iss))) {
    throw invalidToken('ERR_TOKEN_ISSUER', 'the token issuer is not trusted')
  }
  // Hydra says `token_use`, RFC 7662 `token_type`; a refresh token is not a bearer credential.
  if (NOT_ACCESS_TOKENS.has(String(result.token_type)) || result.token_use === 'refresh_token') {
    throw invalidToken('ERR_TOKEN_TYPE', 'the token is not an access token')
  }
  const nowS = Date.now() / 1000
  if (exp !== undefined && (typeof exp !== 'number' || exp <= nowS - config.clockTolerance)) {
    throw invalidToken('ERR_TOKEN_EXPIRED', 'the token has expired')
  }
  checkNotBefore(result, config, nowS)
  checkIntrospectedAudience(result, config, introspection)
  checkRequiredClaims(result, config)
  const ttlEnd = Date.now() + introspection.cacheTtlMs
  const expiresAt = typeof exp === 'number' ? Math.min(exp * 1000, ttlEnd) : ttlEnd
  return { principal: toPrincipal(result, config, exp), expiresAt, kid: '' }
}

/**
 * An audience that is named must match (RFC 7519 §4.1.3). One that is not — absent, null, or
 * Hydra's empty `aud: []` — is accepted only where `requireAudience` is off: otherwise any
 * token the issuer minted for any other resource server would be good here.
 */
function checkIntrospectedAudience(
  result: Record<string, unknown>,
  config: IssuerConfig,
  introspection: IntrospectionConfig,
): void {
  if (config.audienceClaims.some((claim) => namesAudience(result[claim]))) {
    checkAudience(result, config)
  } else if (introspection.requireAudience) {
    throw invalidToken('ERR_TOKEN_AUDIENCE', 'the token names no audience')
  }
}

function namesAudience(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false
  return !(Array.isArray(value) && value.length === 0)
}
