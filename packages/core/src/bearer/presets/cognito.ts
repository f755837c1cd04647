import { accessTokenShape } from './access-token.js'
import type { IssuerPreset } from './types.js'

/**
 * Amazon Cognito user pools: access tokens carry no `aud`; the app client is in
 * `client_id`, checked against `audience` (list the allowed app client ids there), and
 * `token_use` must be `access` so an ID token cannot pass as an access token.
 * ID tokens (`token_use: "id"`) also carry `nonce` or `at_hash` at times; both are refused.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
export const cognito: IssuerPreset = Object.freeze({
  name: 'cognito',
  // Scopes: `scope`, space-delimited; custom scopes are `<resource server id>/<scope>`.
  // (`cognito:groups` is group membership, not a grant.) Access token page, above.
  scopeClaims: Object.freeze(['scope']),
  audienceClaims: Object.freeze(['client_id']),
  requiredClaims: Object.freeze({ token_use: 'access' }),
  accessToken: accessTokenShape(),
})
