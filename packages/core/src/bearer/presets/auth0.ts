import { accessTokenShape } from './access-token.js'
import type { IssuerPreset } from './types.js'

/**
 * Auth0: RFC 9068-style JWTs, `scope` a space-delimited string; with RBAC and "Add
 * Permissions in the Access Token" on, also a `permissions` array, which then wins.
 * Access tokens name their client in `azp` (Auth0 profile) or `client_id` (RFC 9068 profile);
 * ID tokens have neither, are meant for the client (`aud` = client id) and may carry `nonce`
 * and `at_hash`, so those are refused.
 * https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles
 * https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure
 */
export const auth0: IssuerPreset = Object.freeze({
  name: 'auth0',
  // Scopes: `permissions` (RBAC with "Add Permissions in the Access Token"; the authoritative
  // list), else `scope`. Read here only: elsewhere `permissions` is not known to be a grant.
  // https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis
  scopeClaims: Object.freeze(['permissions', 'scope']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
  accessToken: accessTokenShape(['azp', 'client_id']),
})
