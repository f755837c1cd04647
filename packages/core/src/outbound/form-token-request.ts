import * as client from 'openid-client'
import type { Refreshable } from '../http/refreshable.js'
import { toTokenError } from './error-mapping.js'
import type { TokenClientConfig } from './options.js'
import { formParameters, type RequestParams } from './request-params.js'
import type { TokenResponse } from './token-response.js'

/**
 * One RFC 6749 §4.4 client credentials request through openid-client: form-encoded, client
 * authentication by the configured method, the answer checked by oauth4webapi (which also
 * accepts `expires_in` sent as a string).
 */
export async function requestFormToken(
  source: Refreshable<client.Configuration>,
  config: TokenClientConfig,
  params: RequestParams,
): Promise<TokenResponse> {
  const configuration = await source.get()
  let response: client.TokenEndpointResponse
  try {
    response = await client.clientCredentialsGrant(
      configuration,
      formParameters(config.preset, params, config.extraParams),
    )
  } catch (error) {
    throw toTokenError(error, 'token endpoint', config.redact)
  }
  return {
    accessToken: response.access_token,
    tokenType: response.token_type,
    expiresIn: response.expires_in,
    scope: response.scope,
  }
}
