import { accessTokenShape } from './access-token.js'
import { entraIssuerForms } from './entra-issuers.js'
import type { IssuerPreset } from './types.js'

/**
 * Microsoft Entra ID: an app's access tokens are v1 or v2 by its manifest's
 * `accessTokenAcceptedVersion`, not by the endpoint used, so both `iss` forms of the tenant
 * are accepted where the cloud has both (see entra-issuers.ts). v1 tokens carry the App ID URI
 * in `aud`, v2 the client id GUID; configure both as `audience`. Application permissions
 * arrive in `roles`, delegated ones in `scp`. Access tokens name their client in `azp` (v2)
 * or `appid` (v1); ID tokens have neither, have `aud` = the client id (a v2 API's audience
 * too) and may carry `roles`, `nonce`, `at_hash` and `c_hash`.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 * https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 */
export const entra: IssuerPreset = Object.freeze({
  name: 'entra',
  // Scopes: `roles` (the app roles granted to the calling application: app-only tokens, as from
  // client credentials), else `scp` (delegated permissions, space-delimited). Read here only: on
  // other issuers `roles` describes the subject, not a grant (RFC 9068 §2.2.3.1).
  // https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference#payload-claims
  scopeClaims: Object.freeze(['roles', 'scp']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
  accessToken: accessTokenShape(['azp', 'appid']),
  issuerForms: entraIssuerForms,
})
