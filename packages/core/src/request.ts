import type { ChallengeConfig } from './challenge.js'
import { principalChallenge } from './principal.js'
import { InvalidRequestError, MissingCredentialsError, type AuthError } from './errors.js'

/**
 * What core needs from an HTTP request. Every framework hands us Node's IncomingMessage
 * (`req`, `ctx.req`, `request.raw`), which already has this shape. `rawHeaders` matters:
 * Node keeps only the first `Authorization` in `headers`, and RFC 6750 §2 wants exactly one.
 */
export interface AuthRequest {
  /** Every Authorization value the request carried; takes precedence over the rest. */
  readonly authorization?: string | readonly string[] | undefined
  readonly rawHeaders?: readonly string[]
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>
  readonly method?: string | undefined
  /** The request target (path and query), as Node's `req.url`. */
  readonly url?: string | undefined
  /**
   * `scheme://host[:port]` the client called, for checking DPoP proofs' `htu` (RFC 9449 §4.3);
   * default `http://` and the Host header. Adapters pass their framework's answer instead.
   */
  readonly origin?: string | undefined
}

export type Credentials =
  | { readonly scheme: 'bearer'; readonly token: string }
  | { readonly scheme: 'dpop'; readonly token: string }
  | { readonly scheme: 'basic'; readonly value: string }
  | { readonly scheme: 'other'; readonly name: string }

/** Every value of one header, from whichever form the request offers. */
export function headerValues(request: AuthRequest, name: string): readonly string[] {
  const raw = request.rawHeaders
  if (raw) {
    let values: string[] | undefined
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i]!
      if (key.length === name.length && key.toLowerCase() === name)
        (values ??= []).push(raw[i + 1]!)
    }
    return values ?? NONE
  }
  const value = request.headers?.[name]
  if (value === undefined) return NONE
  return typeof value === 'string' ? [value] : value
}

const NONE: readonly string[] = Object.freeze([])

// RFC 9110 §5.6.2 token, for the auth-scheme.
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * Parses the request's credentials by the RFC 7235 §2.1 grammar; exactly one is allowed.
 * `tokenHeader` names a header carrying a bare token instead (Capillary, some gateways);
 * a token there and an Authorization header together are two credentials, so a 400.
 *
 * With `checkToken: false` a bearer token's RFC 6750 b64token grammar is left to the caller:
 * the verifier checks it on a cache miss, before any parsing, because a token found in the
 * verified-token cache passed it already. That scan is the costliest step of a hot request.
 */
export function readCredentials(
  request: AuthRequest,
  tokenHeader?: string,
  checkToken = true,
): Credentials | undefined {
  rejectQueryToken(request.url)
  const tokens = tokenHeader === undefined ? NONE : headerValues(request, tokenHeader)
  const authorization = request.authorization
  let value: string | undefined
  if (authorization === undefined && tokens.length === 0 && request.rawHeaders !== undefined) {
    value = onlyAuthorization(request.rawHeaders) // the usual case, without an array
  } else {
    const values =
      authorization === undefined
        ? headerValues(request, 'authorization')
        : typeof authorization === 'string'
          ? [authorization]
          : authorization
    if (tokens.length > 0) {
      if (tokens.length > 1 || values.length > 0) throw malformed(ONE_CREDENTIAL)
      return { scheme: 'bearer', token: parseBearerToken(tokens[0]!.trim()) }
    }
    if (values.length > 1) throw malformed(TWO_AUTHORIZATIONS)
    value = values[0]
  }
  if (value === undefined) return undefined
  return checkToken ? parseAuthorization(value, true) : parseAgain(value)
}

// A caller sends one Authorization value for its token's whole life, and parsing it is a pure
// function of the value: the last answer is handed out again for the same value, compared
// whole. The verifier then gets the very token string it cached, so its own comparison is a
// pointer check rather than a byte-by-byte one of a fresh slice (the costliest step left on
// a hot request inside a server). Malformed values throw and are never remembered. Not frozen:
// freezing costs a map transition on every fresh token, and Credentials is readonly to core.
let lastValue: string | undefined
let lastCredentials: Credentials | undefined

function parseAgain(value: string): Credentials {
  if (value === lastValue) return lastCredentials!
  const credentials = parseAuthorization(value, false)
  lastValue = value
  lastCredentials = credentials
  return credentials
}

const ONE_CREDENTIAL = 'the request carries more than one credential'
const TWO_AUTHORIZATIONS = 'the request carries more than one Authorization header'

/** The one Authorization value in Node's rawHeaders, or undefined; two are a 400. */
function onlyAuthorization(raw: readonly string[]): string | undefined {
  let found: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!
    if (key.length !== 13) continue
    // The spellings clients send, compared without allocating; anything else is lowercased.
    if (
      key === 'Authorization' ||
      key === 'authorization' ||
      key.toLowerCase() === 'authorization'
    ) {
      if (found !== undefined) throw malformed(TWO_AUTHORIZATIONS)
      found = raw[i + 1]!
    }
  }
  return found
}

/** credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ], split without a regex. */
export function parseAuthorization(value: string, checkToken = true): Credentials {
  // The common spellings, "Bearer " or "Basic " then a value that starts and ends with a
  // visible ASCII character: exactly what the general path below yields (its trims have
  // nothing to remove, and the scheme is already in canonical case).
  if (isVisible(value.charCodeAt(value.length - 1))) {
    if (value.startsWith('Bearer ') && isVisible(value.charCodeAt(7))) {
      const token = value.slice(7)
      return { scheme: 'bearer', token: checkToken ? parseBearerToken(token) : token }
    }
    if (value.startsWith('Basic ') && isVisible(value.charCodeAt(6))) {
      return { scheme: 'basic', value: value.slice(6) }
    }
  }
  const trimmed = value.trim()
  const space = trimmed.indexOf(' ')
  const name = space === -1 ? trimmed : trimmed.slice(0, space)
  if (!SCHEME.test(name)) throw malformed('the Authorization header is malformed')
  const scheme = name.toLowerCase() // RFC 7235 §2.1: schemes are case-insensitive
  const rest = space === -1 ? '' : trimmed.slice(space + 1).trim()
  if (scheme === 'bearer') return { scheme, token: checkToken ? parseBearerToken(rest) : rest }
  if (scheme === 'basic') return { scheme, value: rest }
  // RFC 9449 §7.1: the DPoP scheme carries the token as token68, the grammar of b64token.
  if (scheme === 'dpop') return { scheme, token: checkToken ? parseBearerToken(rest) : rest }
  return { scheme: 'other', name }
}

function isVisible(code: number): boolean {
  return code > 32 && code < 127
}

export function parseBearerToken(value: string): string {
  if (value.length === 0) throw malformed('the bearer token is empty')
  if (!B64TOKEN.test(value)) throw malformed('the bearer token is not a valid b64token')
  return value
}

function rejectQueryToken(url: string | undefined): void {
  // RFC 6750 §2.3 is optional and leaks tokens into logs; we never accept it, loudly.
  if (url === undefined || !url.includes('access_token')) return
  const query = url.indexOf('?')
  if (query === -1) return
  if (new URLSearchParams(url.slice(query + 1)).has('access_token')) {
    throw malformed(
      'access tokens are not accepted in the query string; use the Authorization header',
    )
  }
}

export function malformed(description: string): AuthError {
  return new InvalidRequestError({ code: 'ERR_REQUEST_MALFORMED', description })
}

/**
 * Which authenticator's realm and schemes a later scope check answers with. A principal knows
 * (its hidden slot, filled once when its authenticator first hands it out; cached principals
 * are reused, so the hot path only compares one pointer); a request is marked only when it
 * passed through without a principal (optional authentication), the one case a scope check
 * cannot ask the principal. A symbol property, not a WeakMap entry per short-lived request.
 */
const CHALLENGE_CONFIG = Symbol('m2m-auth.challengeConfig')

interface WithChallengeConfig {
  [CHALLENGE_CONFIG]?: ChallengeConfig
}

export function rememberChallengeConfig(request: object, config: ChallengeConfig): void {
  const target = request as WithChallengeConfig
  if (target[CHALLENGE_CONFIG] !== config) target[CHALLENGE_CONFIG] = config
}

export function challenge(
  request: object | undefined,
  error: AuthError,
  principal?: object,
): AuthError {
  const config =
    (principal && principalChallenge(principal)) ??
    (request as WithChallengeConfig | undefined)?.[CHALLENGE_CONFIG]
  return config ? error.withConfig(config) : error
}

export function missingCredentials(request?: object, config?: ChallengeConfig): AuthError {
  const error = new MissingCredentialsError(
    { code: 'ERR_CREDENTIALS_MISSING', description: 'authentication is required' },
    config,
  )
  return config ? error : challenge(request, error)
}
