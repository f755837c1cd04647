import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RunningApp } from '../support/apps.js'
import { DEFAULT_RESOURCE } from '../support/issuer.js'
import { TASK_SECRET, useTelemetryFixture } from './fixture.js'
import { invalidTokens, MARK } from './invalid-tokens.js'
import { attributeKey, delta, registerMetrics, type Collection } from './metric-reader.js'

// Registered before anything authenticates, as docs/observability.md tells applications to.
const meter = registerMetrics()
const fixture = useTelemetryFixture()

const AUTHENTICATIONS = 'm2m_auth.authentications'
const DURATION = 'm2m_auth.authentication.duration'
const CACHE = 'm2m_auth.cache.lookups'
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
const outcome = (scheme: string, result: string, code?: string): Record<string, string> =>
  code === undefined
    ? { 'm2m_auth.scheme': scheme, 'm2m_auth.outcome': result }
    : { 'm2m_auth.scheme': scheme, 'm2m_auth.outcome': result, 'error.type': code }

/** The counter and the duration histogram moved together, by `n`, for this attribute set. */
function expectAuthentications(
  before: Collection,
  after: Collection,
  attributes: Record<string, string>,
  n: number,
): void {
  expect(delta(before, after, AUTHENTICATIONS, attributes), JSON.stringify(attributes)).toBe(n)
  expect(delta(before, after, DURATION, attributes), `${DURATION} count`).toBe(n)
}

describe.each(ADAPTERS)('metrics through %s', (adapter) => {
  let app: RunningApp
  const now = (): number => Math.floor(Date.now() / 1000)
  const claims = () => ({
    sub: 'task-service',
    client_id: 'task-service',
    scope: 'event.view',
    iat: now(),
    exp: now() + 300,
  })

  beforeAll(async () => {
    app = await startApp(adapter, fixture.authenticators())
  })
  afterAll(() => app?.close())

  it('counts a token client request, one JWKS fetch, a token cache miss then a hit, and two allowed bearer authentications', async () => {
    const { issuer } = fixture
    const before = await meter.collect()
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'task-service',
      clientSecret: TASK_SECRET,
      scope: 'event.view',
      resource: DEFAULT_RESOURCE,
    })
    const token = await client.getToken()
    expect(await client.getToken()).toBe(token) // served from its cache: no second request
    for (let i = 0; i < 2; i++)
      expect((await send(`${app.url}/events`, { headers: bearer(token) })).status).toBe(200)
    const after = await meter.collect()

    const request = { 'm2m_auth.result': 'ok', 'm2m_auth.client_id': 'task-service' }
    expect(delta(before, after, 'm2m_auth.token_client.requests', request)).toBe(1)
    const jwks = { 'm2m_auth.issuer': issuer.issuer, 'm2m_auth.result': 'ok' }
    expect(delta(before, after, 'm2m_auth.jwks.fetches', jwks)).toBe(1)
    expect(
      delta(before, after, CACHE, { 'm2m_auth.cache': 'token', 'm2m_auth.result': 'miss' }),
    ).toBe(1)
    expect(
      delta(before, after, CACHE, { 'm2m_auth.cache': 'token', 'm2m_auth.result': 'hit' }),
    ).toBe(1)
    expectAuthentications(before, after, outcome('bearer', 'allowed'), 2)
    const durations = after.find(DURATION, outcome('bearer', 'allowed'))!
    expect(durations.sum).toBeGreaterThan(
      before.find(DURATION, outcome('bearer', 'allowed'))?.sum ?? 0,
    )
    expect(after.kind(DURATION)).toEqual({ unit: 's', kind: 'histogram' })
    for (const name of [
      AUTHENTICATIONS,
      CACHE,
      'm2m_auth.jwks.fetches',
      'm2m_auth.token_client.requests',
    ]) {
      expect(after.kind(name)?.kind, name).toBe('counter')
    }
  })

  it('counts each refusal by scheme and error.type, and an unreachable issuer as unavailable with a failed JWKS fetch', async () => {
    const { issuer } = fixture
    const valid = await issuer.token('task-service', { scope: 'event.view' })
    const expired = await issuer.sign({
      ...claims(),
      iss: issuer.issuer,
      aud: DEFAULT_RESOURCE,
      iat: now() - 600,
      exp: now() - 300,
    })
    const foreignAudience = await issuer.sign({
      ...claims(),
      iss: issuer.issuer,
      aud: 'https://elsewhere.test',
    })
    const before = await meter.collect()
    const answers = [
      await send(`${app.url}/events`),
      await send(`${app.url}/events`, { headers: bearer(expired) }),
      await send(`${app.url}/events`, { headers: bearer(foreignAudience) }),
      await send(`${app.url}/events`, {
        headers: { authorization: [`Bearer ${valid}`, `Bearer ${valid}`] },
      }),
      await send(`${app.url}/events`, { headers: { authorization: 'Basic VC0xMDA6eA==' } }),
      await send(`${app.url}/events`, { headers: { authorization: `DPoP ${valid}` } }),
      await send(`${app.url}/down/events`, { headers: bearer(valid) }),
    ]
    const after = await meter.collect()

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 400, 401, 401, 503])
    expectAuthentications(before, after, outcome('none', 'refused', 'ERR_CREDENTIALS_MISSING'), 1)
    expectAuthentications(before, after, outcome('bearer', 'refused', 'ERR_TOKEN_EXPIRED'), 1)
    expectAuthentications(before, after, outcome('bearer', 'refused', 'ERR_TOKEN_AUDIENCE'), 1)
    expectAuthentications(before, after, outcome('none', 'refused', 'ERR_REQUEST_MALFORMED'), 1)
    expectAuthentications(before, after, outcome('basic', 'refused', 'ERR_SCHEME_DISABLED'), 1)
    // DPoP is not enabled here: the refusal is still counted under the scheme the caller sent.
    expectAuthentications(before, after, outcome('dpop', 'refused', 'ERR_SCHEME_DISABLED'), 1)
    expectAuthentications(
      before,
      after,
      outcome('bearer', 'unavailable', 'ERR_ISSUER_UNAVAILABLE'),
      1,
    )
    const failed = { 'm2m_auth.issuer': issuer.issuer, 'm2m_auth.result': 'error' }
    expect(delta(before, after, 'm2m_auth.jwks.fetches', failed)).toBe(1)
    // Nothing else moved: seven requests, seven authentications.
    const total = (c: Collection): number =>
      c.points(AUTHENTICATIONS).reduce((sum, p) => sum + p.value, 0)
    expect(total(after) - total(before)).toBe(7)
  })

  it('counts introspection calls, and the introspection cache: a miss per distinct token, a hit for a remembered refusal', async () => {
    const { issuer } = fixture
    const opaque = await issuer.token('task-service', { scope: 'event.view', resource: null })
    expect(opaque.split('.')).toHaveLength(1)
    const inactive = `inactive-${adapter}-0123456789abcdefghijklmnopqrstuvwxyz`
    const before = await meter.collect()
    const statuses: number[] = []
    for (const token of [opaque, opaque, inactive, inactive]) {
      statuses.push((await send(`${app.url}/events`, { headers: bearer(token) })).status)
    }
    const after = await meter.collect()

    expect(statuses).toEqual([200, 200, 401, 401])
    expect(after.kind('m2m_auth.introspection.calls')?.kind).toBe('counter')
    const calls = { 'm2m_auth.issuer': issuer.issuer, 'm2m_auth.result': 'ok' }
    expect(delta(before, after, 'm2m_auth.introspection.calls', calls)).toBe(2)
    const lookup = (result: string) => ({
      'm2m_auth.cache': 'introspection',
      'm2m_auth.result': result,
    })
    expect(delta(before, after, CACHE, lookup('miss'))).toBe(2)
    expect(delta(before, after, CACHE, lookup('hit'))).toBe(1)
    expectAuthentications(before, after, outcome('bearer', 'allowed'), 2)
    expectAuthentications(before, after, outcome('bearer', 'refused', 'ERR_TOKEN_INACTIVE'), 2)
  })

  it('keeps attribute sets bounded across 200 distinct invalid tokens', async () => {
    const tokens = await invalidTokens(fixture.issuer, 200)
    expect(new Set(tokens).size).toBe(200)
    const before = await meter.collect()
    for (const token of tokens) {
      expect((await send(`${app.url}/events`, { headers: bearer(token) })).status).toBe(401)
    }
    const after = await meter.collect()

    const refused = after
      .points(AUTHENTICATIONS)
      .filter((p) => p.attributes['m2m_auth.outcome'] === 'refused')
    const grown = refused.filter((p) => p.value > before.value(AUTHENTICATIONS, p.attributes))
    expect(
      grown.reduce((n, p) => n + p.value - before.value(AUTHENTICATIONS, p.attributes), 0),
    ).toBe(200)
    // One set per refusal reason, from AuthError's closed list of codes: four kinds, four codes.
    expect(grown.map((p) => p.attributes['error.type']).sort()).toEqual([
      'ERR_TOKEN_INACTIVE',
      'ERR_TOKEN_ISSUER',
      'ERR_TOKEN_KEY_UNKNOWN',
      'ERR_TOKEN_SIGNATURE',
    ])
    for (const instrument of after.instruments) {
      const sets = (c: Collection) =>
        new Set(c.points(instrument).map((p) => attributeKey(p.attributes)))
      const added = [...sets(after)].filter((key) => !sets(before).has(key))
      expect(added.length, `${instrument} gained ${added.join(' ')}`).toBeLessThanOrEqual(4)
      for (const key of sets(after)) expect(key).not.toContain(MARK)
    }
  })
})

describe('token client metrics', () => {
  it('counts a refused token request as an error for its client id', async () => {
    const client = createTokenClient({
      issuer: fixture.issuer.issuer,
      clientId: 'viewer',
      clientSecret: 'not-the-viewer-secret-0123456789abcdef',
      retry: { retries: 0 },
    })
    const before = await meter.collect()
    await expect(client.getToken()).rejects.toThrow()
    const after = await meter.collect()
    const error = { 'm2m_auth.result': 'error', 'm2m_auth.client_id': 'viewer' }
    expect(delta(before, after, 'm2m_auth.token_client.requests', error)).toBe(1)
    const ok = { 'm2m_auth.result': 'ok', 'm2m_auth.client_id': 'viewer' }
    expect(delta(before, after, 'm2m_auth.token_client.requests', ok)).toBe(0)
  })
})
