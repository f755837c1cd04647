import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, type AuthError } from '@m2m-auth/core'
import {
  startIntrospectionEndpoint,
  type IntrospectionAnswer,
  type IntrospectionEndpoint,
  type IntrospectionRequest,
} from './introspection-endpoint.js'

// Characters that every encoding treats differently: space, quotes, `+`, `/`, `:`, `%`, and the
// ones only oauth4webapi's strict form encoding escapes (`-._!~*'()`).
const CLIENT_ID = 'calendar-api.v2'
const SECRET = `Secr3t-value.with spaces+"quotes":and/slashes%41!~*'()`

/** RFC 6749 §2.3.1 / Appendix B, the way oauth4webapi encodes Basic credentials. */
const strictForm = (value: string) =>
  encodeURIComponent(value)
    .replace(/[-_.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

/** Every form the secret travels or could be echoed in; none may appear anywhere. */
const FORBIDDEN = [
  SECRET,
  encodeURIComponent(SECRET),
  strictForm(SECRET),
  new URLSearchParams({ s: SECRET }).toString().slice(2),
  JSON.stringify(SECRET).slice(1, -1),
  base64(`${CLIENT_ID}:${SECRET}`),
  base64(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(SECRET)}`),
  base64(`${strictForm(CLIENT_ID)}:${strictForm(SECRET)}`),
]

/** What the endpoint received, as it would quote it back. */
const echo = (request: IntrospectionRequest) =>
  `Authorization: ${request.headers.authorization ?? '(none)'}; body: ${request.body}`

// Ways an introspection endpoint can quote our request back in a failure.
const ECHOES: Record<string, (request: IntrospectionRequest) => IntrospectionAnswer> = {
  'a 401 JSON error body': (r) => ({
    status: 401,
    body: { error: 'invalid_client', error_description: echo(r) },
  }),
  'a 500 JSON error body': (r) => ({
    status: 500,
    body: { error: 'server_error', error_description: echo(r) },
  }),
  'a WWW-Authenticate challenge': (r) => ({
    status: 401,
    headers: {
      'www-authenticate': `Basic realm="introspection", error="invalid_client", error_description="${echo(r).replace(/["\\]/g, '')}"`,
    },
    body: '',
  }),
  'a plain-text error body': (r) => ({ status: 400, body: echo(r) }),
  'a 200 answer that is not an introspection response': (r) => ({ body: { active: echo(r) } }),
}

describe('introspection credentials never leak (loopback endpoint echoing our request)', () => {
  let endpoint: IntrospectionEndpoint

  beforeAll(async () => {
    endpoint = await startIntrospectionEndpoint()
  })
  afterAll(() => endpoint.close())

  const authenticator = (authMethod: 'client_secret_basic' | 'client_secret_post') =>
    createAuthenticator({
      bearer: {
        issuer: endpoint.issuer,
        audience: 'https://calendar.example.test',
        introspection: {
          endpoint: endpoint.url,
          clientId: CLIENT_ID,
          clientSecret: SECRET,
          authMethod,
        },
      },
    })

  /** Every text the error lets out: message, description, body, headers, the cause chain. */
  const texts = (error: AuthError) => [
    String(error),
    error.message,
    error.description,
    JSON.stringify(error.toJSON()),
    JSON.stringify(error.headers),
    inspect(error, { depth: 10 }),
    inspect(error.cause, { depth: 10, showHidden: true }),
  ]

  for (const authMethod of ['client_secret_basic', 'client_secret_post'] as const) {
    for (const [name, answer] of Object.entries(ECHOES)) {
      it(`${authMethod}: ${name} becomes a 503 that names no form of the secret`, async () => {
        endpoint.answer = answer
        const error = await authenticator(authMethod)
          .authenticate({ authorization: 'Bearer an-opaque-token-0123456789' })
          .then(
            () => expect.fail('accepted'),
            (e: AuthError) => e,
          )
        expect(error.status).toBe(503)
        expect(error.headers['Retry-After']).toBeDefined()
        // The endpoint did receive the secret (so the echo carried it back to us).
        const sent = echo(endpoint.requests.at(-1)!)
        expect(FORBIDDEN.some((form) => sent.includes(form))).toBe(true)
        for (const text of texts(error)) {
          for (const form of FORBIDDEN) expect(text).not.toContain(form)
          expect(text).not.toContain('an-opaque-token-0123456789')
        }
      })
    }
  }

  it('keeps the issuer-supplied reason, redacted, for the server logs', async () => {
    endpoint.answer = ECHOES['a 401 JSON error body']!
    const error = await authenticator('client_secret_basic')
      .authenticate({ authorization: 'Bearer an-opaque-token-0123456789' })
      .then(
        () => expect.fail('accepted'),
        (e: AuthError) => e,
      )
    const cause = (error.cause as Error).message
    expect(cause).toContain('HTTP 401: invalid_client')
    expect(cause).toContain('Authorization: Basic [REDACTED]')
    expect(error.toJSON()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the token issuer is temporarily unavailable',
    })
  })
})
