import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  type AuthError,
  type BearerIssuerOptions,
  type IntrospectionOptions,
} from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../support/issuer.js'

const rejected = (promise: Promise<unknown>): Promise<AuthError> =>
  promise.then(
    () => expect.fail('the request was accepted'),
    (error: AuthError) => error,
  )

// The resource server's own credentials at the issuer, used to call its introspection endpoint.
const CALENDAR = { client_id: 'calendar-api', client_secret: 'calendar-api-secret-0123456789abcd' }
const CALENDAR_POST = {
  client_id: 'calendar-post',
  client_secret: 'calendar-post-secret-0123456789ab',
}

const INTROSPECTION = '/token/introspection'

describe('opaque tokens by RFC 7662 introspection (oidc-provider)', () => {
  let issuer: TestIssuer

  beforeAll(async () => {
    issuer = await startIssuer({
      defaultResource: null,
      accessTokenTTL: 2,
      clients: [
        ...DEFAULT_CLIENTS,
        { ...CALENDAR, scope: 'event.view' },
        { ...CALENDAR_POST, scope: 'event.view', token_endpoint_auth_method: 'client_secret_post' },
      ],
    })
  })
  afterAll(() => issuer.close())
  afterEach(() => {
    issuer.proxy.mode = 'up'
  })

  const opaque = (scope = 'event.view'): Promise<string> =>
    issuer.token('task-service', { scope, resource: null })

  const authenticatorWith = (
    introspection: Partial<IntrospectionOptions> = {},
    extra: Partial<BearerIssuerOptions> = {},
  ) =>
    createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        introspection: {
          clientId: CALENDAR.client_id,
          clientSecret: CALENDAR.client_secret,
          // oidc-provider's opaque client-credentials tokens carry no `aud` (see below).
          requireAudience: false,
          ...introspection,
        },
        failureBackoffMs: 0,
        ...extra,
      },
    })

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  it('accepts an active opaque token, with the scopes the issuer reports', async () => {
    const token = await opaque('event.create event.view')
    expect(token.split('.')).toHaveLength(1)
    const principal = await authenticatorWith().authenticate(bearer(token))
    expect(principal).toMatchObject({
      scheme: 'bearer',
      subject: 'task-service',
      clientId: 'task-service',
      issuer: issuer.issuer,
      scopeClaim: 'scope',
    })
    expect([...principal.scopes]).toEqual(['event.create', 'event.view'])
  })

  it('accepts JWT and opaque tokens from the same issuer', async () => {
    const authenticator = authenticatorWith()
    const jwt = await issuer.token('viewer', { scope: 'event.view', resource: DEFAULT_RESOURCE })
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    expect((await authenticator.authenticate(bearer(jwt))).subject).toBe('viewer')
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before)
    expect((await authenticator.authenticate(bearer(await opaque()))).subject).toBe('task-service')
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
  })

  it('caches a result: a repeat request makes no introspection call', async () => {
    const authenticator = authenticatorWith()
    const token = await opaque()
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    await authenticator.authenticate(bearer(token))
    await authenticator.authenticate(bearer(token))
    await authenticator.authenticate(bearer(token))
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
  })

  it('shares one introspection between concurrent requests with the same token', async () => {
    const authenticator = authenticatorWith()
    const token = await opaque()
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    const principals = await Promise.all(
      Array.from({ length: 8 }, () => authenticator.authenticate(bearer(token))),
    )
    expect(new Set(principals.map((p) => p.subject))).toEqual(new Set(['task-service']))
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
  })

  it('re-introspects once the configured cache TTL has passed', async () => {
    const authenticator = authenticatorWith({ cacheTtlMs: 100 })
    const token = await opaque()
    const before = issuer.proxy.hitsFor(INTROSPECTION)
    await authenticator.authenticate(bearer(token))
    await new Promise((r) => setTimeout(r, 150))
    await authenticator.authenticate(bearer(token))
    expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 2)
  })

  it('never serves a cached result past the token exp, however long the TTL', async () => {
    const authenticator = authenticatorWith({ cacheTtlMs: 600_000 }, { clockTolerance: 0 })
    const token = await opaque()
    await authenticator.authenticate(bearer(token))
    await new Promise((r) => setTimeout(r, 2_200))
    const error = await rejected(authenticator.authenticate(bearer(token)))
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toContain('error="invalid_token"')
  })

  it('answers 401 invalid_token when the issuer says active: false', async () => {
    const error = await rejected(
      authenticatorWith().authenticate(bearer('Cb8VXVq2FrRvqx97lCV1K8UfnfCxUEOvPB1alXwAwIr')),
    )
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_INACTIVE')
    expect(error.toJSON()).toEqual({
      error: 'invalid_token',
      error_description: 'the token is not active',
    })
  })

  it('answers 503 with Retry-After when the introspection endpoint is down', async () => {
    const authenticator = authenticatorWith({ endpoint: `${issuer.issuer}${INTROSPECTION}` })
    const token = await opaque()
    for (const mode of ['down', 'error'] as const) {
      issuer.proxy.mode = mode
      const error = await rejected(authenticator.authenticate(bearer(token)))
      expect(error.status).toBe(503)
      expect(error.headers['Retry-After']).toBeDefined()
      expect(JSON.stringify(error.toJSON())).not.toContain(token)
    }
  })

  it('answers 503, not 401, when the issuer refuses our own client credentials', async () => {
    const token = await opaque()
    const error = await rejected(
      authenticatorWith({ clientSecret: 'wrong-secret-wrong-secret-wrong!!' }).authenticate(
        bearer(token),
      ),
    )
    expect(error.status).toBe(503)
    expect(error.message).not.toContain('wrong-secret')
  })

  it('authenticates with client_secret_post where the issuer requires it', async () => {
    const principal = await authenticatorWith({
      clientId: CALENDAR_POST.client_id,
      clientSecret: CALENDAR_POST.client_secret,
      authMethod: 'client_secret_post',
    }).authenticate(bearer(await opaque()))
    expect(principal.subject).toBe('task-service')
  })

  it('without introspection configured, an opaque token is simply not a JWT (401)', async () => {
    const authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    const token = await opaque()
    const error = await rejected(authenticator.authenticate(bearer(token)))
    expect(error.status).toBe(401)
    expect(error.message).toBe('the token is not a JWT')
  })

  it('asks each introspecting issuer in turn for an opaque token, and takes the one that knows it', async () => {
    const other = await startIssuer({
      defaultResource: null,
      clients: [...DEFAULT_CLIENTS, { ...CALENDAR, scope: 'event.view' }],
    })
    try {
      const introspection = {
        clientId: CALENDAR.client_id,
        clientSecret: CALENDAR.client_secret,
        requireAudience: false,
      }
      const authenticator = createAuthenticator({
        bearer: [
          { issuer: issuer.issuer, audience: DEFAULT_RESOURCE, introspection },
          { issuer: other.issuer, audience: DEFAULT_RESOURCE, introspection },
        ],
      })
      const token = await other.token('viewer', { scope: 'event.view', resource: null })
      const before = issuer.proxy.hitsFor(INTROSPECTION)
      const principal = await authenticator.authenticate(bearer(token))
      expect(principal.issuer).toBe(other.issuer)
      expect(principal.subject).toBe('viewer')
      // The first issuer was asked and said inactive; the second vouched for the token.
      expect(issuer.proxy.hitsFor(INTROSPECTION)).toBe(before + 1)
      expect(other.proxy.hitsFor(INTROSPECTION)).toBe(1)
    } finally {
      await other.close()
    }
  })

  it('prefetch() of an issuer that publishes no jwks_uri fetches its metadata only, for opaque tokens', async () => {
    const DISCOVERY = '/.well-known/openid-configuration'
    const response = await fetch(new URL(DISCOVERY, issuer.issuer))
    const withoutKeys = (await response.json()) as Record<string, unknown>
    delete withoutKeys.jwks_uri
    issuer.proxy.script(DISCOVERY, [{ status: 200, body: JSON.stringify(withoutKeys) }])
    const authenticator = authenticatorWith()
    const [discoveries, jwks] = [issuer.proxy.hitsFor(DISCOVERY), issuer.proxy.hitsFor('/jwks')]
    await authenticator.prefetch()
    expect(issuer.proxy.hitsFor(DISCOVERY)).toBe(discoveries + 1)
    expect(issuer.proxy.hitsFor('/jwks')).toBe(jwks)
    // The metadata fetched is the one used: the opaque token needs no second discovery.
    expect((await authenticator.authenticate(bearer(await opaque()))).subject).toBe('task-service')
    expect(issuer.proxy.hitsFor(DISCOVERY)).toBe(discoveries + 1)
  })

  it('validates introspection options at construction, naming the option', () => {
    expect(() => authenticatorWith({ clientSecret: '' })).toThrow(
      '"bearer.introspection.clientSecret" must be a non-empty string for client_secret_basic',
    )
    expect(() => authenticatorWith({ cacheTtlMs: -1 })).toThrow(
      '"bearer.introspection.cacheTtlMs" must be a number >= 0',
    )
  })
})
