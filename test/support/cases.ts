import type { TokenSet } from './tokens.js'

export interface RequestCase<T = TokenSet> {
  name: string
  method?: 'GET' | 'POST'
  path: string
  headers: (t: T) => Record<string, string | string[]>
  status: number
  /** The exact WWW-Authenticate value, or undefined when none must be sent. */
  challenge?: string
  /** RFC 6750 error in the body (JSON adapters); Koa's default onerror sends the description as text. */
  error?: string
  description?: string
  /** For 2xx: the principal the handler saw. */
  principal?: object
  retryAfter?: boolean
  /** Response headers that must have exactly these values (undefined: must be absent). */
  responseHeaders?: Record<string, string | undefined>
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
const invalid = (
  description: string,
): Pick<RequestCase, 'status' | 'challenge' | 'error' | 'description'> => ({
  status: 401,
  error: 'invalid_token',
  description,
  challenge: `Bearer realm="api", error="invalid_token", error_description="${description}"`,
})
const malformed = (
  description: string,
): Pick<RequestCase, 'status' | 'challenge' | 'error' | 'description'> => ({
  status: 400,
  error: 'invalid_request',
  description,
  challenge: `Bearer realm="api", error="invalid_request", error_description="${description}"`,
})

/** The principal the default `task-service` token yields. */
export const TASK_SERVICE = {
  scheme: 'bearer',
  subject: 'task-service',
  clientId: 'task-service',
  scopes: ['event.create', 'event.view'],
  till: null,
}

/** One table of HTTP cases; every adapter must answer each one identically. */
export const BEARER_CASES: RequestCase[] = [
  {
    name: 'accepts a valid token from the issuer',
    path: '/events',
    headers: (t) => bearer(t.valid),
    status: 200,
    principal: TASK_SERVICE,
  },
  {
    name: 'accepts a valid token on a route needing event.create',
    method: 'POST',
    path: '/events',
    headers: (t) => bearer(t.valid),
    status: 200,
    principal: TASK_SERVICE,
  },
  {
    name: 'accepts the lower-case bearer scheme',
    path: '/events',
    headers: (t) => ({ authorization: `bearer ${t.valid}` }),
    status: 200,
    principal: TASK_SERVICE,
  },
  {
    name: 'challenges a request without credentials with 401 and no error code',
    path: '/events',
    headers: () => ({}),
    status: 401,
    challenge: 'Bearer realm="api"',
    error: 'unauthorized',
    description: 'authentication is required',
  },
  {
    name: 'rejects an expired token with 401 invalid_token',
    path: '/events',
    headers: (t) => bearer(t.expired),
    ...invalid('the token has expired'),
  },
  {
    name: 'rejects a token that is not valid yet',
    path: '/events',
    headers: (t) => bearer(t.notYetValid),
    ...invalid('the token is not valid yet'),
  },
  {
    name: 'rejects a token for another audience',
    path: '/events',
    headers: (t) => bearer(t.wrongAudience),
    ...invalid('the token is not meant for this audience'),
  },
  {
    name: 'rejects a token with a foreign iss signed by the issuer key',
    path: '/events',
    headers: (t) => bearer(t.wrongIssuer),
    ...invalid('the token issuer is not trusted'),
  },
  {
    name: 'rejects a token from a second, untrusted issuer',
    path: '/events',
    headers: (t) => bearer(t.foreignIssuer),
    ...invalid('the token issuer is not trusted'),
  },
  {
    name: 'rejects alg none',
    path: '/events',
    headers: (t) => bearer(t.algNone),
    ...invalid('the token is not a JWT'),
  },
  {
    name: 'rejects HS256 signed with the issuer public key',
    path: '/events',
    headers: (t) => bearer(t.hmacWithPublicKey),
    ...invalid('the token algorithm is not allowed'),
  },
  {
    name: "rejects an attacker's key under the issuer's kid",
    path: '/events',
    headers: (t) => bearer(t.attackerWithIssuerKid),
    ...invalid('the token signature is invalid'),
  },
  {
    name: 'rejects an unknown kid',
    path: '/events',
    headers: (t) => bearer(t.unknownKid),
    ...invalid('the token was signed with an unknown key'),
  },
  {
    name: 'ignores jku, x5u and embedded jwk headers',
    path: '/events',
    headers: (t) => bearer(t.embeddedJwk),
    ...invalid('the token was signed with an unknown key'),
  },
  {
    name: 'rejects an oversize token before parsing',
    path: '/events',
    headers: (t) => bearer(t.oversize),
    ...invalid('the token is too large'),
  },
  {
    name: 'refuses a caller lacking the scope with 403 insufficient_scope',
    method: 'POST',
    path: '/events',
    headers: (t) => bearer(t.viewer),
    status: 403,
    error: 'insufficient_scope',
    description: 'requires scope event.create',
    challenge:
      'Bearer realm="api", error="insufficient_scope", error_description="requires scope event.create", scope="event.create"',
  },
  {
    name: 'requireAnyScope refuses a caller with none of the scopes',
    path: '/any',
    headers: (t) => bearer(t.viewer),
    status: 403,
    error: 'insufficient_scope',
    description: 'requires one of the scopes event.create event.admin',
    challenge:
      'Bearer realm="api", error="insufficient_scope", error_description="requires one of the scopes event.create event.admin", scope="event.create event.admin"',
  },
  {
    name: 'requireAnyScope accepts a caller with one of the scopes',
    path: '/any',
    headers: (t) => bearer(t.valid),
    status: 200,
    principal: TASK_SERVICE,
  },
  {
    name: 'rejects two Authorization headers with 400',
    path: '/events',
    headers: (t) => ({ authorization: [`Bearer ${t.valid}`, `Bearer ${t.viewer}`] }),
    ...malformed('the request carries more than one Authorization header'),
  },
  {
    name: 'rejects an empty Bearer token with 400',
    path: '/events',
    headers: () => ({ authorization: 'Bearer ' }),
    ...malformed('the bearer token is empty'),
  },
  {
    name: 'rejects a token that is not a b64token with 400',
    path: '/events',
    headers: () => ({ authorization: 'Bearer a b' }),
    ...malformed('the bearer token is not a valid b64token'),
  },
  {
    name: 'does not accept a token in the query string',
    path: '/events?access_token=x',
    headers: () => ({}),
    ...malformed(
      'access tokens are not accepted in the query string; use the Authorization header',
    ),
  },
  {
    name: 'lets an anonymous request through an optional route',
    path: '/optional',
    headers: () => ({}),
    status: 200,
    principal: { anonymous: true },
  },
  {
    name: 'still rejects a bad token on an optional route',
    path: '/optional',
    headers: (t) => bearer(t.expired),
    ...invalid('the token has expired'),
  },
  {
    name: 'answers 503 with Retry-After when the issuer is unreachable and nothing is cached',
    path: '/down/events',
    headers: (t) => bearer(t.valid),
    status: 503,
    error: 'temporarily_unavailable',
    description: 'the token issuer is temporarily unavailable',
    retryAfter: true,
  },
]
