import type { FetchLike } from '../http/fetch-json.js'
import { headerSender, isReplayable, withHeaders, type Send } from './authorized-fetch.js'
import type { DPoPKey } from './dpop-key.js'
import type { NonceMemory } from './dpop-nonces.js'
import { signProof } from './dpop-proof.js'
import type { AccessToken } from './token-slot.js'

// RFC 9449 §9: the resource server asks for a nonce with a DPoP challenge, error="use_dpop_nonce".
const USE_DPOP_NONCE = /\bdpop\b[^]*\berror\s*=\s*"?use_dpop_nonce"?/i

/**
 * Sends a DPoP-bound token (RFC 9449 §7.1): `Authorization: DPoP <token>` and a fresh proof
 * per request. Every `DPoP-Nonce` a server sends is remembered for its origin; a 401
 * `use_dpop_nonce` that brings one is answered by exactly one retry with a new proof carrying
 * it. A token the issuer did not bind (it answered `token_type: Bearer`) goes out as Bearer,
 * without a proof: a DPoP scheme with an unbound token is refused by the server (§7.1).
 */
export function dpopSender(fetch: FetchLike, key: DPoPKey, nonces: NonceMemory): Send {
  const bearer = headerSender(fetch)
  const once = async (
    input: string | URL | Request,
    init: RequestInit | undefined,
    token: AccessToken,
    url: URL,
  ): Promise<Response> => {
    const response = await fetch(
      input,
      withHeaders(input, init, await dpopHeaders(key, nonces, token, methodOf(input, init), url)),
    )
    nonces.remember(url.origin, response)
    return response
  }
  return async (input, init, token) => {
    if (token.tokenType.toLowerCase() !== 'dpop') return bearer(input, init, token)
    const url = new URL(input instanceof Request ? input.url : input)
    const replayable = isReplayable(init)
    const spare = input instanceof Request && replayable ? input.clone() : input
    const response = await once(input, init, token, url)
    if (!replayable || !asksForNonce(response) || !response.headers.has('dpop-nonce'))
      return response
    await response.body?.cancel().catch(() => undefined)
    return once(spare, init, token, url)
  }
}

/** The headers that present a DPoP-bound token on one request: the token and a fresh proof. */
export async function dpopHeaders(
  key: DPoPKey,
  nonces: NonceMemory,
  token: AccessToken,
  method: string,
  url: URL,
): Promise<Record<string, string>> {
  const proof = await signProof(key, {
    method,
    url,
    accessToken: token.accessToken,
    nonce: nonces.get(url.origin),
  })
  return { authorization: `DPoP ${token.accessToken}`, dpop: proof }
}

function methodOf(input: string | URL | Request, init: RequestInit | undefined): string {
  return init?.method ?? (input instanceof Request ? input.method : 'GET')
}

function asksForNonce(response: Response): boolean {
  return (
    response.status === 401 && USE_DPOP_NONCE.test(response.headers.get('www-authenticate') ?? '')
  )
}
