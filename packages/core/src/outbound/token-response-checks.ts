import { TokenRequestError } from './errors.js'
import { expiresInSeconds, type TokenResponse } from './token-response.js'

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/
// A token_type is named in an error only when it is short and plainly a name.
const SHOWABLE_TYPE = /^[A-Za-z0-9_.-]{1,20}$/

/**
 * What a 2xx token response must be before its token is cached or sent anywhere. openid-client
 * already checks most of it for RFC 6749 form endpoints; the JSON dialects get the same rules
 * here, and both get what openid-client leaves to us: the token must fit an Authorization
 * header, and only Bearer (or, with `dpop`, DPoP) is spoken. Every refusal is ERR_TOKEN_RESPONSE_INVALID, not retried,
 * and never repeats the token.
 */
export function checkTokenResponse(response: TokenResponse, dpop: boolean): TokenResponse {
  if (!B64TOKEN.test(response.accessToken))
    // A CR/LF would split the header (or make fetch throw with the value in its message).
    throw invalid(
      'an access_token that is not an RFC 6750 §2.1 b64token, so it cannot be sent in a header (the token is not shown)',
    )
  checkTokenType(response.tokenType, dpop)
  if (response.expiresIn !== undefined && expiresInSeconds(response.expiresIn) === undefined)
    throw invalid('an "expires_in" that is not a non-negative number of seconds (RFC 6749 §5.1)')
  return response
}

/**
 * RFC 6749 §5.1: `token_type` is case-insensitive; §7.1: the client must understand it. A DPoP
 * token (RFC 9449 §5) is understood only by a client with `dpop`, which sends its proofs; a
 * client with `dpop` also takes Bearer (the issuer did not bind the token, §5).
 */
function checkTokenType(tokenType: string, dpop: boolean): void {
  const type = tokenType.toLowerCase()
  if (type === 'bearer' || (type === 'dpop' && dpop)) return
  if (type === 'dpop')
    throw invalid(
      'a DPoP-bound token (token_type "DPoP", RFC 9449 §5) to a client without the "dpop" option, which sends no DPoP proofs; the token would be refused as a Bearer token',
    )
  const shown = SHOWABLE_TYPE.test(tokenType) ? `"${tokenType}"` : 'not Bearer (not shown)'
  throw invalid(
    `a token whose token_type is ${shown}; only Bearer (RFC 6750) and, with "dpop", DPoP (RFC 9449) tokens are supported`,
  )
}

function invalid(what: string): TokenRequestError {
  return new TokenRequestError({
    code: 'ERR_TOKEN_RESPONSE_INVALID',
    message: `the token endpoint answered with ${what}`,
  })
}
