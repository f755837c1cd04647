import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'
import { createAuthenticator, createTokenClient, type Authenticator } from '@m2m-auth/core'
import { findLeak } from '../support/leaks.js'
import { DEFAULT_RESOURCE } from '../support/issuer.js'
import { AsyncLocalContextManager } from './context-manager.js'
import { CALENDAR, TASK_SECRET, useTelemetryFixture } from './fixture.js'

const exporter = new InMemorySpanExporter()
context.setGlobalContextManager(new AsyncLocalContextManager())
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
)
const tracer = trace.getTracer('the-application')
const fixture = useTelemetryFixture()

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const spans = (): ReadableSpan[] => exporter.getFinishedSpans()
const named = (operation: string): ReadableSpan[] =>
  spans().filter((s) => s.attributes['m2m_auth.operation'] === operation)
const port = (url: string): number => Number(new URL(url).port)

beforeEach(() => exporter.reset())

describe('the outcome on the active span (no span of its own)', () => {
  let authenticator: Authenticator
  let token: string

  beforeAll(async () => {
    authenticator = createAuthenticator({
      bearer: { issuer: fixture.issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    token = await fixture.issuer.token('task-service', { scope: 'event.view' })
    await authenticator.authenticate(bearer(token)) // keys fetched, token cached
  })

  it('starts no span when it authenticates a request', async () => {
    await authenticator.authenticate(bearer(token))
    await authenticator.authenticate({}).catch(() => undefined)
    expect(spans()).toEqual([])
  })

  it('sets scheme and outcome on the active span for a cached token answered synchronously', () => {
    const span = tracer.startSpan('GET /events')
    const principal = context.with(trace.setSpan(context.active(), span), () =>
      authenticator.authenticateNow(bearer(token)),
    )
    span.end()
    expect(principal).toMatchObject({ subject: 'task-service' })
    expect(spans()).toHaveLength(1)
    expect(spans()[0]!.attributes).toEqual({
      'm2m_auth.scheme': 'bearer',
      'm2m_auth.outcome': 'allowed',
    })
  })

  it('sets the refusal and its error.type on the active span', async () => {
    await tracer.startActiveSpan('GET /events', async (span) => {
      await authenticator.authenticate({ authorization: 'Bearer not-a-jwt' }).catch(() => undefined)
      span.end()
    })
    expect(spans().map((s) => s.attributes)).toEqual([
      {
        'm2m_auth.scheme': 'bearer',
        'm2m_auth.outcome': 'refused',
        'error.type': 'ERR_TOKEN_INVALID',
      },
    ])
  })

  it('sets the outcome after the first key fetch, with the JWKS client span as the request span child', async () => {
    const cold = createAuthenticator({
      bearer: { issuer: fixture.issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    await tracer.startActiveSpan('GET /events', async (span) => {
      await cold.authenticate(bearer(token))
      span.end()
    })
    const request = spans().find((s) => s.name === 'GET /events')!
    expect(request.attributes).toMatchObject({ 'm2m_auth.outcome': 'allowed' })
    const [jwks] = named('jwks')
    expect(jwks?.parentSpanContext?.spanId).toBe(request.spanContext().spanId)
  })
})

describe('outbound calls are HTTP client spans (OpenTelemetry HTTP semantic conventions)', () => {
  it('records the discovery and JWKS fetches with method, server, url.full and status', async () => {
    const { issuer } = fixture
    const authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    await authenticator.authenticate(bearer(await issuer.token('task-service')))
    const [discovery] = named('discovery')
    const [jwks] = named('jwks')
    expect(discovery?.attributes['url.full']).toBe(
      `${issuer.issuer}/.well-known/openid-configuration`,
    )
    expect(jwks).toMatchObject({ name: 'GET', kind: SpanKind.CLIENT })
    expect(jwks!.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': port(issuer.issuer),
      'url.full': expect.stringMatching(new RegExp(`^${issuer.issuer}/`)) as string,
      'm2m_auth.operation': 'jwks',
      'http.response.status_code': 200,
    })
    expect(jwks!.status.code).not.toBe(SpanStatusCode.ERROR)
  })

  it('records url.full without its query string', async () => {
    const { issuer } = fixture
    const authenticator = createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        jwksUri: `${issuer.issuer}/jwks?api_key=query-secret-0123456789`,
      },
    })
    await authenticator.authenticate(bearer(await issuer.token('task-service')))
    expect(named('jwks').map((s) => s.attributes['url.full'])).toEqual([`${issuer.issuer}/jwks`])
    expect(JSON.stringify(spans().map((s) => s.attributes))).not.toContain('query-secret')
  })

  it('marks an unreachable key source as an error with error.type and no status code', async () => {
    const { issuer } = fixture
    const authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    const token = await issuer.token('task-service')
    issuer.proxy.mode = 'down'
    try {
      await expect(authenticator.authenticate(bearer(token))).rejects.toMatchObject({ status: 503 })
    } finally {
      issuer.proxy.mode = 'up'
    }
    const failed = spans().filter((s) => s.kind === SpanKind.CLIENT)
    expect(failed.length).toBeGreaterThan(0)
    for (const span of failed) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR)
      expect(span.attributes['error.type']).toEqual(expect.any(String))
      expect(span.attributes).not.toHaveProperty('http.response.status_code')
    }
  })

  it('records an introspection call as a POST client span', async () => {
    const { issuer } = fixture
    const authenticator = createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        introspection: {
          clientId: CALENDAR.client_id,
          clientSecret: CALENDAR.client_secret,
          requireAudience: false,
        },
      },
    })
    const opaque = await issuer.token('task-service', { scope: 'event.view', resource: null })
    await authenticator.authenticate(bearer(opaque))
    const [call] = named('introspection')
    expect(call).toMatchObject({ name: 'POST', kind: SpanKind.CLIENT })
    expect(call!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'server.port': port(issuer.issuer),
      'url.full': `${issuer.issuer}/token/introspection`,
      'http.response.status_code': 200,
    })
    expect(
      findLeak(JSON.stringify(spans().map((s) => s.attributes)), [opaque, CALENDAR.client_secret]),
    ).toBeUndefined()
  })

  it('records the token client request, and a refused one as an error with its status', async () => {
    const { issuer } = fixture
    const options = { issuer: issuer.issuer, clientId: 'task-service', resource: DEFAULT_RESOURCE }
    const token = await createTokenClient({ ...options, clientSecret: TASK_SECRET }).getToken()
    const refused = createTokenClient({
      ...options,
      clientSecret: 'wrong-secret-0123456789abcdef',
      retry: { retries: 0 },
    })
    await expect(refused.getToken()).rejects.toThrow()
    const requests = named('token_request')
    expect(
      requests.map((s) => [s.name, s.kind, s.attributes['http.response.status_code']]),
    ).toEqual([
      ['POST', SpanKind.CLIENT, 200],
      ['POST', SpanKind.CLIENT, 401],
    ])
    expect(requests[0]!.attributes['url.full']).toBe(issuer.tokenEndpoint)
    expect(requests[1]!.attributes['error.type']).toBe('401')
    expect(requests[1]!.status.code).toBe(SpanStatusCode.ERROR)
    const text = JSON.stringify(spans().map((s) => [s.name, s.attributes, s.events]))
    expect(findLeak(text, [token, TASK_SECRET, 'wrong-secret-0123456789abcdef'])).toBeUndefined()
  })
})

afterAll(() => trace.disable())
