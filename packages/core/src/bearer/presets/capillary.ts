import type { IssuerPreset } from './types.js'

/**
 * Capillary: tokens from `/v3/oauth/token/generate` have `iss: "Capillary"` (a name, not a
 * URL, so `jwksUri` must be given), no `aud`, a numeric `client_id` (checked against
 * `audience`), `token_use: "token_access"`, and travel in the `X-CAP-API-OAUTH-TOKEN` header.
 * https://docs.capillarytech.com/reference/oauth
 */
export const capillary: IssuerPreset = Object.freeze({
  name: 'capillary',
  // Scopes: Capillary documents none (access is per API client); the RFC 9068 §2.2.3 `scope`
  // is read should a token carry one. Nothing else: an undocumented claim is not a grant.
  scopeClaims: Object.freeze(['scope']),
  audienceClaims: Object.freeze(['client_id']),
  requiredClaims: Object.freeze({ token_use: 'token_access' }),
  tokenHeader: 'x-cap-api-oauth-token',
  issuerIsName: true,
})
