import * as client from 'openid-client'
import type { Refreshable } from '../http/refreshable.js'
import { toTokenError } from './error-mapping.js'
import type { TokenClientConfig } from './options.js'
import { formParameters, type RequestParams } from './request-params.js'
import type { TokenResponse } from './token-response.js'
import type { DPoPKey } from './dpop-key.js'

// One DPoP handle per Configuration (reloaded daily): it remembers the token endpoint's nonce.
const handles = new WeakMap<client.Configuration, client.DPoPHandle>()

/**
 * One RFC 6749 §4.4 client credentials request through openid-client: form-encoded, client
 * authentication by the configured method, the answer checked by oauth4webapi (which also
 * accepts `expires_in` sent as a string). With `dpop`, openid-client adds a proof (RFC 9449
 * §5), remembers the endpoint's `DPoP-Nonce` and retries once on `use_dpop_nonce` (§8).
 */
export async function requestFormToken(
  source: Refreshable<client.Configuration>,
  config: TokenClientConfig,
  params: RequestParams,
): Promise<TokenResponse> {
  const configuration = await source.get()
  let response: client.TokenEndpointResponse
  try {
    const DPoP = config.dpop && (await dpopHandle(configuration, config.dpop))
    response = await client.clientCredentialsGrant(
      configuration,
      formParameters(config.preset, params, config.extraParams),
      DPoP ? { DPoP } : undefined,
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

async function dpopHandle(
  configuration: client.Configuration,
  key: DPoPKey,
): Promise<client.DPoPHandle> {
  let handle = handles.get(configuration)
  if (handle === undefined) {
    handle = client.getDPoPHandle(configuration, await key.keyPair())
    handles.set(configuration, handle)
  }
  return handle
}
