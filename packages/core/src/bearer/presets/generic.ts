import { ID_TOKEN_MARKERS } from './access-token.js'
import type { IssuerPreset } from './types.js'

/**
 * Any OIDC / RFC 8414 issuer: what an issuer gets without a preset, and with `preset: 'generic'`.
 * Scopes come from `scope` (RFC 9068 §2.2.3, a space-delimited string as in RFC 8693 §4.2),
 * else `scp` (the array form many issuers use). Never from `roles`, `groups`, `entitlements`
 * (RFC 9068 §2.2.3.1: attributes of the subject, not a grant to the client) or `permissions`:
 * on an issuer not known to put scopes there, reading them would let a token minted for
 * another purpose pass a scope check. A preset adds its issuer's own claims
 * (`auth0`: `permissions`, `entra`: `roles`); `scopeClaim` opts in explicitly.
 * https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3
 */
export const generic: IssuerPreset = Object.freeze({
  name: 'generic',
  scopeClaims: Object.freeze(['scope', 'scp']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({}),
  accessToken: ID_TOKEN_MARKERS,
})
