import type { IssuerPreset } from './types.js'

/**
 * Auth0: RFC 9068-style JWTs, `scope` a space-delimited string; with RBAC and "Add
 * Permissions in the Access Token" on, also a `permissions` array, which then wins.
 * https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles
 */
export const auth0: IssuerPreset = Object.freeze({
  name: 'auth0',
  scopeClaims: Object.freeze(['permissions', 'scope']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
})
