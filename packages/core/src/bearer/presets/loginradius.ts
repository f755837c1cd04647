import { accessTokenShape } from './access-token.js'
import type { IssuerPreset } from './types.js'

/**
 * LoginRadius: RFC 9068 JWTs; `aud` is always an array (from the `resource` or `audience`
 * of the token request) and `scp` an array of strings. Its OIDC ID tokens carry `nonce` and
 * `at_hash`, which no access token does, so those are refused.
 * https://www.loginradius.com/docs/single-sign-on/federated-sso/access-token-claims/
 */
export const loginradius: IssuerPreset = Object.freeze({
  name: 'loginradius',
  // Scopes: `scp`, an array of strings (access token claims page, above).
  scopeClaims: Object.freeze(['scp']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
  accessToken: accessTokenShape(),
})
