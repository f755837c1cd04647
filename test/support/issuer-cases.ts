import { TASK_SERVICE, type RequestCase } from './cases.js'
import type { TokenSet } from './tokens.js'

/** The resource the metadata cases configure, and where its metadata lives (RFC 9728 §3.1). */
export const METADATA_RESOURCE = 'https://calendar.example.test'
export const METADATA_URL = `${METADATA_RESOURCE}/.well-known/oauth-protected-resource`
export const TOKEN_HEADER = 'x-api-token'

/**
 * Cases for an authenticator configured with `tokenHeader: 'x-api-token'` and
 * `resourceMetadata: { resource: METADATA_RESOURCE }`, run against every adapter.
 */
export const TOKEN_SOURCE_CASES: RequestCase[] = [
  {
    name: 'accepts the token from the configured header',
    path: '/events',
    headers: (t: TokenSet) => ({ [TOKEN_HEADER]: t.valid }),
    status: 200,
    principal: TASK_SERVICE,
  },
  {
    name: 'still accepts Authorization: Bearer',
    path: '/events',
    headers: (t: TokenSet) => ({ authorization: `Bearer ${t.valid}` }),
    status: 200,
    principal: TASK_SERVICE,
  },
  {
    name: 'answers 400 when the token header and Authorization are both present',
    path: '/events',
    headers: (t: TokenSet) => ({ [TOKEN_HEADER]: t.valid, authorization: `Bearer ${t.valid}` }),
    status: 400,
    error: 'invalid_request',
    description: 'the request carries more than one credential',
    challenge: `Bearer realm="api", error="invalid_request", error_description="the request carries more than one credential"`,
  },
  {
    name: 'answers 400 when the token header is repeated',
    path: '/events',
    headers: (t: TokenSet) => ({ [TOKEN_HEADER]: [t.valid, t.viewer] }),
    status: 400,
    error: 'invalid_request',
    description: 'the request carries more than one credential',
    challenge: `Bearer realm="api", error="invalid_request", error_description="the request carries more than one credential"`,
  },
  {
    name: 'announces the resource metadata in a 401 without credentials',
    path: '/events',
    headers: () => ({}),
    status: 401,
    error: 'unauthorized',
    description: 'authentication is required',
    challenge: `Bearer realm="api", resource_metadata="${METADATA_URL}"`,
  },
  {
    name: 'announces the resource metadata in a 401 invalid_token',
    path: '/events',
    headers: (t: TokenSet) => ({ [TOKEN_HEADER]: t.expired }),
    status: 401,
    error: 'invalid_token',
    description: 'the token has expired',
    challenge: `Bearer realm="api", error="invalid_token", error_description="the token has expired", resource_metadata="${METADATA_URL}"`,
  },
  {
    name: 'does not add resource metadata to a 403',
    method: 'POST',
    path: '/events',
    headers: (t: TokenSet) => ({ [TOKEN_HEADER]: t.viewer }),
    status: 403,
    error: 'insufficient_scope',
    description: 'requires scope event.create',
    challenge: `Bearer realm="api", error="insufficient_scope", error_description="requires scope event.create", scope="event.create"`,
  },
]
