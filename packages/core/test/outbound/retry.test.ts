import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient, type RetryEvent, type TokenClientOptions } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../../test/support/issuer.js'

const [TASK, VIEWER] = DEFAULT_CLIENTS as [(typeof DEFAULT_CLIENTS)[0], (typeof DEFAULT_CLIENTS)[0]]
let issuer: TestIssuer

beforeAll(async () => {
  issuer = await startIssuer()
})
afterAll(() => issuer?.close())

function client(extra: Partial<TokenClientOptions> = {}, retries: RetryEvent[] = []) {
  return createTokenClient({
    issuer: issuer.issuer,
    clientId: TASK.client_id,
    clientSecret: TASK.client_secret!,
    resource: DEFAULT_RESOURCE,
    retry: { retries: 3, baseDelayMs: 20 },
    hooks: { retry: (e) => retries.push(e) },
    ...extra,
  } as TokenClientOptions)
}

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: Record<string, unknown>) => error,
  )
}

describe('token request retries', () => {
  it('retries a 503 and succeeds with the next answer', async () => {
    const retries: RetryEvent[] = []
    const c = client({}, retries)
    await c.getToken({ scope: 'event.view' }) // discovery done; now script the token endpoint
    c.invalidate()
    const before = issuer.proxy.hitsFor('/token')
    issuer.proxy.script('/token', [{ status: 503, body: 'busy' }])
    expect(await c.getToken({ scope: 'event.view' })).toMatch(/^ey/)
    expect(issuer.proxy.hitsFor('/token') - before).toBe(2)
    expect(retries).toHaveLength(1)
    expect(retries[0]).toMatchObject({ attempt: 1, code: 'ERR_ISSUER_UNAVAILABLE' })
    expect(retries[0]!.reason).toMatch(/answered HTTP 503/)
  })

  it('honours Retry-After on 429', async () => {
    const retries: RetryEvent[] = []
    const c = client({}, retries)
    issuer.proxy.script('/token', [
      {
        status: 429,
        headers: { 'retry-after': '1', 'content-type': 'application/json' },
        body: JSON.stringify({ error: 'too_many_requests' }),
      },
    ])
    const started = Date.now()
    await c.getToken()
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(1_000) // the backoff alone would be under 20 ms
    expect(retries).toHaveLength(1)
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1_000)
    expect(retries[0]!.reason).toMatch(/rate limiting us.*HTTP 429: too_many_requests/)
  })

  it('gives up when Retry-After exceeds maxRetryAfterMs', async () => {
    const c = client({ retry: { retries: 3, baseDelayMs: 5, maxRetryAfterMs: 2_000 } })
    const before = issuer.proxy.hitsFor('/token')
    issuer.proxy.script('/token', [{ status: 429, headers: { 'retry-after': '120' } }])
    const error = await failure(c.getToken())
    expect(error).toMatchObject({
      code: 'ERR_ISSUER_UNAVAILABLE',
      httpStatus: 429,
      retryAfterMs: 120_000,
    })
    expect(issuer.proxy.hitsFor('/token') - before).toBe(1)
  })

  it('stops after the configured retries on persistent 5xx', async () => {
    const c = client({ retry: { retries: 2, baseDelayMs: 5 } })
    await c.getToken({ scope: 'event.view' })
    const before = issuer.proxy.hitsFor('/token')
    issuer.proxy.script('/token', [{ status: 502 }, { status: 500 }, { status: 503 }])
    const error = await failure(c.getToken())
    expect(error).toMatchObject({ code: 'ERR_ISSUER_UNAVAILABLE', httpStatus: 503, attempts: 3 })
    expect(issuer.proxy.hitsFor('/token') - before).toBe(3)
  })

  it('never retries 401 invalid_client, and says so without the secret', async () => {
    const c = client({ clientSecret: 'wrong-secret-0123456789abcdef' })
    const before = issuer.proxy.hitsFor('/token')
    const error = await failure(c.getToken())
    expect(issuer.proxy.hitsFor('/token') - before).toBe(1)
    expect(error).toMatchObject({
      code: 'ERR_TOKEN_REJECTED',
      oauthError: 'invalid_client',
      httpStatus: 401,
      retryable: false,
    })
    expect(error.message).toMatch(
      /token endpoint refused the request with HTTP 401: invalid_client/,
    )
    expect(error.message).not.toContain('wrong-secret')
  })

  it('never retries 400 invalid_scope', async () => {
    const c = client({ clientId: VIEWER.client_id, clientSecret: VIEWER.client_secret! })
    const before = issuer.proxy.hitsFor('/token')
    const error = await failure(c.getToken({ scope: 'event.create' }))
    expect(issuer.proxy.hitsFor('/token') - before).toBe(1)
    expect(error).toMatchObject({
      code: 'ERR_TOKEN_REJECTED',
      oauthError: 'invalid_scope',
      httpStatus: 400,
    })
    expect(error.message).toMatch(/HTTP 400: invalid_scope/)
  })

  it('retries an issuer that drops connections, then names it unreachable', async () => {
    const c = client({ retry: { retries: 1, baseDelayMs: 5 } })
    issuer.proxy.mode = 'down'
    try {
      const error = await failure(c.getToken())
      expect(error).toMatchObject({ code: 'ERR_ISSUER_UNREACHABLE', attempts: 2 })
      expect(error.message).toMatch(/^issuer unreachable: the issuer metadata endpoint/)
    } finally {
      issuer.proxy.mode = 'up'
    }
  })

  it('times out a hanging issuer and reports it unreachable', async () => {
    const c = client({ timeoutMs: 200, retry: { retries: 0 } })
    issuer.proxy.mode = 'hang'
    try {
      const error = await failure(c.getToken())
      expect(error).toMatchObject({ code: 'ERR_ISSUER_UNREACHABLE' })
      expect(error.message).toMatch(/timed out/)
    } finally {
      issuer.proxy.mode = 'up'
    }
  })
})
