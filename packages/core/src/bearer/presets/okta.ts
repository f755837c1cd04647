import { accessTokenShape } from './access-token.js'
import type { IssuerPreset } from './types.js'

/**
 * Okta custom authorization servers: `scp` is an array, the client is in `cid`, and `aud`
 * is the authorization server's audience (`api://default` by default).
 * Every access token carries `cid`; ID tokens do not (they carry `nonce`, `at_hash`, `amr`,
 * `idp` and `aud` = the client id), so a token without `cid` is refused.
 * https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/#access-token-payload
 * https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/#id-token-payload
 */
export const okta: IssuerPreset = Object.freeze({
  name: 'okta',
  // Scopes: `scp`, an array; Okta access tokens have no `scope` (access token payload, above).
  scopeClaims: Object.freeze(['scp']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
  accessToken: accessTokenShape(['cid']),
})
