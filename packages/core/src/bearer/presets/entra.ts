import type { IssuerPreset } from './types.js'

const V1 = /^https:\/\/sts\.windows\.net\/([^/]+)\/$/
const V2 = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0$/

/**
 * Microsoft Entra ID: an app's access tokens are v1 or v2 by its manifest's
 * `accessTokenAcceptedVersion`, not by the endpoint used, so both `iss` forms of the tenant
 * are accepted. v1 tokens carry the App ID URI in `aud`, v2 the client id GUID; configure
 * both as `audience`. Application permissions arrive in `roles`, delegated ones in `scp`.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
export const entra: IssuerPreset = Object.freeze({
  name: 'entra',
  scopeClaims: Object.freeze(['roles', 'scp']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
  issuerForms: (issuer: string): readonly string[] => {
    const tenant = (V1.exec(issuer) ?? V2.exec(issuer))?.[1]
    if (tenant === undefined) {
      throw new TypeError(
        'must be https://login.microsoftonline.com/<tenant>/v2.0 or https://sts.windows.net/<tenant>/',
      )
    }
    return [
      `https://login.microsoftonline.com/${tenant}/v2.0`,
      `https://sts.windows.net/${tenant}/`,
    ]
  },
})
