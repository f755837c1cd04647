import { accessTokenShape } from './access-token.js'
import type { IssuerPreset } from './types.js'

/**
 * SuperTokens OAuth2 (Unified Login): `scp` array, and `stt` ("SuperTokens token type")
 * must be 1, which marks an OAuth2 access token (0 is a session token, 2 an ID token).
 * ID tokens (stt 2) may also carry `nonce` and `at_hash`, which are refused too.
 * https://supertokens.com/docs/authentication/unified-login/verify-tokens
 */
export const supertokens: IssuerPreset = Object.freeze({
  name: 'supertokens',
  // Scopes: `scp`, an array (verify-tokens page, above).
  scopeClaims: Object.freeze(['scp']),
  audienceClaims: Object.freeze(['aud']),
  requiredClaims: Object.freeze({ stt: 1 }),
  accessToken: accessTokenShape(),
})
