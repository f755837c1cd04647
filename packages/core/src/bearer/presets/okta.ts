import type { IssuerPreset } from './types.js'

/**
 * Okta custom authorization servers: `scp` is an array, the client is in `cid`, and `aud`
 * is the authorization server's audience (`api://default` by default).
 * https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/#access-token-payload
 */
export const okta: IssuerPreset = Object.freeze({
  name: 'okta',
  scopeClaims: Object.freeze(['scp']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
})
