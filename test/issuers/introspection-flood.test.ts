import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, type AuthError, type IntrospectionOptions } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../support/issuer.js'

// The resource server's own credentials at the issuer, used to call its introspection endpoint.
const CALENDAR = { client_id: 'calendar-api', client_secret: 'calendar-api-secret-0123456789abcd' }
const INTROSPECTION = '/token/introspection'

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const refusal = (promise: Promise<unknown>): Promise<AuthError> =>
  promise.then(
    () => expect.fail('the request was accepted'),
    (error: AuthError) => error,
  )
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('introspection of garbage and audience-less tokens (oidc-provider)', () => {
  let issuer: TestIssuer
  let counter = 0
  // A fresh made-up opaque token per test: the issuer never issued it, so it is `active: false`.
  const garbage = () => `garbage-${++counter}-Cb8VXVq2FrRvqx97lCV1K8UfnfCxUEOvPB1alX`

  beforeAll(async () => {
    issuer = await startIssuer({
      defaultResource: null,
      clients: [...DEFAULT_CLIENTS, { ...CALENDAR, scope: 'event.view' }],
    })
  })
  afterAll(() => issuer.close())
  afterEach(() => {
    issuer.proxy.mode = 'up'
  })

  const authenticatorWith = (introspection: Partial<IntrospectionOptions> = {}) =>
    createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        introspection: {
          clientId: CALENDAR.client_id,
          clientSecret: CALENDAR.client_secret,
          ...introspection,
        },
        failureBackoffMs: 0,
      },
    })

  const burst = async (authenticate: () => Promise<unknown>, size = 50) => {
    const errors = await Promise.all(Array.from({ length: size }, () => refusal(authenticate())))
    for (const error of errors) {
      expect(error.status).toBe(401)
      expect(error.code).toBe('ERR_TOKEN_INACTIVE')
    }
  }

  it('50 concurrent requests with the same garbage token cost one introspection call', async () => {
    const authenticator = authenticatorWith()
    const token = garbage()
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    await burst(() => authenticator.authenticate(bearer(token)))
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
  })

  it('remembers an inactive token: repeats after the first answer make no further call', async () => {
    const authenticator = authenticatorWith()
    const token = garbage()
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    await burst(() => authenticator.authenticate(bearer(token)))
    await burst(() => authenticator.authenticate(bearer(token)))
    for (let i = 0; i < 10; i++) await refusal(authenticator.authenticate(bearer(token)))
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
  })

  it('asks again once the inactive TTL has passed: one more call per distinct token', async () => {
    const authenticator = authenticatorWith({ inactiveCache: { ttlMs: 150 } })
    const token = garbage()
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    await burst(() => authenticator.authenticate(bearer(token)))
    await sleep(250)
    await burst(() => authenticator.authenticate(bearer(token)))
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 2)
  })

  it('with inactiveCache: false, every settled burst asks again', async () => {
    const authenticator = authenticatorWith({ inactiveCache: false })
    const token = garbage()
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    await burst(() => authenticator.authenticate(bearer(token)), 5)
    await burst(() => authenticator.authenticate(bearer(token)), 5)
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 2)
  })

  it('does not remember an outage: the request after it asks the issuer again', async () => {
    const authenticator = authenticatorWith({ endpoint: `${issuer.issuer}${INTROSPECTION}` })
    const token = garbage()
    issuer.proxy.mode = 'error'
    expect((await refusal(authenticator.authenticate(bearer(token)))).status).toBe(503)
    issuer.proxy.mode = 'up'
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    expect((await refusal(authenticator.authenticate(bearer(token)))).code).toBe(
      'ERR_TOKEN_INACTIVE',
    )
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
  })

  it('refuses an active token whose introspection names no audience, with 401 invalid_token, by default', async () => {
    const token = await issuer.token('task-service', { scope: 'event.view', resource: null })
    const error = await refusal(authenticatorWith().authenticate(bearer(token)))
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token"')
    expect(error.toJSON()).toEqual({
      error: 'invalid_token',
      error_description: 'the token names no audience',
    })
  })

  it('accepts an active token whose introspection names no audience when requireAudience is false', async () => {
    const token = await issuer.token('task-service', { scope: 'event.view', resource: null })
    const principal = await authenticatorWith({ requireAudience: false }).authenticate(
      bearer(token),
    )
    expect(principal.subject).toBe('task-service')
    expect([...principal.scopes]).toEqual(['event.view'])
  })

  it('remembers an active token it refused (no audience): one call however often it is sent', async () => {
    const authenticator = authenticatorWith()
    const token = await issuer.token('task-service', { scope: 'event.view', resource: null })
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    for (let i = 0; i < 5; i++) {
      expect((await refusal(authenticator.authenticate(bearer(token)))).code).toBe(
        'ERR_TOKEN_AUDIENCE',
      )
    }
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
  })
})
