import { accessTokenShape } from './access-token.js'
import type { IssuerPreset } from './types.js'

/**
 * Ory Hydra: access tokens are opaque by default (`strategies.access_token: opaque`) and
 * checked by RFC 7662 introspection; with the `jwt` strategy they are JWTs with an `scp`
 * array. Introspection responses carry `scope` as a string, hence both claims. JWT access
 * tokens always name their client in `client_id`; ID tokens do not, and carry `at_hash`.
 * https://www.ory.sh/docs/hydra/jwt-access-token
 */
export const hydra: IssuerPreset = Object.freeze({
  name: 'hydra',
  // Scopes: `scp` in JWT access tokens, `scope` in introspection responses (RFC 7662 §2.2).
  scopeClaims: Object.freeze(['scp', 'scope']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
  accessToken: accessTokenShape(['client_id']),
  opaqueByDefault: true,
  // Hydra introspection answers `aud: []` unless the client asked for (and may have) an audience.
  introspectionRequiresAudience: false,
})
