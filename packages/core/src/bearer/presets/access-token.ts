import type { AccessTokenShape } from './types.js'

/**
 * OIDC Core §3.1.3.6 and §3.3.2.11: `at_hash` and `c_hash` bind an ID token to the access
 * token or code issued with it, so no access token carries them. (`nonce` is left to the
 * presets whose issuers keep it out of access tokens; old Keycloak releases copied it in.)
 */
export const ID_TOKEN_MARKERS: AccessTokenShape = Object.freeze({
  idTokenClaims: Object.freeze(['at_hash', 'c_hash']),
  oneOf: Object.freeze([]),
})

/** Markers for issuers that put `nonce` into ID tokens only (OIDC Core §2, §3.1.2.1). */
export function accessTokenShape(oneOf: readonly string[] = []): AccessTokenShape {
  return Object.freeze({
    idTokenClaims: Object.freeze(['nonce', 'at_hash', 'c_hash']),
    oneOf: Object.freeze([...oneOf]),
  })
}
