import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient, TokenRequestError, type TokenClientOptions } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../../test/support/issuer.js'
import { eventually, testClock } from './clock.js'

const TASK = DEFAULT_CLIENTS[0]!
let issuer: TestIssuer

beforeAll(async () => {
  issuer = await startIssuer() // tokens live 300 s
})
afterAll(() => issuer?.close())
afterEach(() => {
  issuer.proxy.mode = 'up'
})

const options = (extra: Partial<TokenClientOptions> = {}): TokenClientOptions =>
  ({
    issuer: issuer.issuer,
    clientId: TASK.client_id,
    clientSecret: TASK.client_secret!,
    scope: 'event.create',
    resource: DEFAULT_RESOURCE,
    retry: { retries: 2, baseDelayMs: 5 },
    ...extra,
  }) as TokenClientOptions

const tokenHits = (): number => issuer.proxy.hitsFor('/token')

describe('token cache', () => {
  it('makes exactly one token request for 200 concurrent getToken() calls', async () => {
    const client = createTokenClient(options())
    const before = tokenHits()
    const tokens = await Promise.all(Array.from({ length: 200 }, () => client.getToken()))
    expect(tokenHits() - before).toBe(1)
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/) // a real JWT from oidc-provider
    // and later calls are cache hits
    await Promise.all(Array.from({ length: 50 }, () => client.getToken()))
    expect(tokenHits() - before).toBe(1)
  })

  it('refreshes ahead of expiry exactly once, serving the current token meanwhile', async () => {
    const clock = testClock()
    const client = createTokenClient(options({ now: clock.now }))
    const before = tokenHits()
    const first = await client.getToken()
    // 300 s tokens: lead = min(max(10 s, 60 s), 300 s) = 60 s, plus up to 10 % jitter,
    // so the refresh is due between 234 s and 240 s after the request.
    clock.advance(230_000)
    await client.getToken()
    expect(tokenHits() - before).toBe(1)
    clock.advance(15_000) // 245 s: due, 55 s of life left
    const during = await Promise.all(Array.from({ length: 100 }, () => client.getToken()))
    expect(new Set(during)).toEqual(new Set([first])) // nobody waited for the refresh
    await eventually(() => tokenHits() - before === 2)
    await eventually(async () => (await client.getToken()) !== first)
    clock.advance(10_000)
    await Promise.all(Array.from({ length: 100 }, () => client.getToken()))
    expect(tokenHits() - before).toBe(2)
  })

  it('keeps serving a valid token while the issuer is down, invisibly', async () => {
    const clock = testClock()
    const failures: string[] = []
    const client = createTokenClient(
      options({ now: clock.now, hooks: { refreshFailed: (e) => failures.push(e.code) } }),
    )
    const token = await client.getToken()
    issuer.proxy.mode = 'down'
    clock.advance(250_000) // refresh due, token still valid for 50 s
    for (let i = 0; i < 20; i++) expect(await client.getToken()).toBe(token)
    await eventually(() => failures.length === 1)
    expect(failures).toEqual(['ERR_ISSUER_UNREACHABLE'])
    clock.advance(40_000) // 290 s: still valid (expiry 300 s, leeway 5 s)
    expect(await client.getToken()).toBe(token)
  })

  it('never serves an expired token: down after expiry is a clear error, then recovers', async () => {
    const clock = testClock()
    const client = createTokenClient(options({ now: clock.now }))
    const token = await client.getToken()
    issuer.proxy.mode = 'down'
    clock.advance(296_000) // inside the 5 s leeway before expiry
    const error = await client.getToken().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(TokenRequestError)
    expect(error).toMatchObject({ code: 'ERR_ISSUER_UNREACHABLE', retryable: true, attempts: 3 })
    expect((error as Error).message).toMatch(
      /^issuer unreachable: the token endpoint could not be reached/,
    )
    expect((error as Error).message).toMatch(/gave up after 3 attempts/)
    issuer.proxy.mode = 'up'
    const fresh = await client.getToken()
    expect(fresh).not.toBe(token)
  })

  it('caches per sorted scopes, audience and resource', async () => {
    const client = createTokenClient(options({ scope: 'event.view event.create' }))
    const before = tokenHits()
    const a = await client.getToken()
    const b = await client.getToken({ scope: 'event.create event.view' })
    const c = await client.getToken({ scope: ['event.view', 'event.create'] })
    expect(new Set([a, b, c]).size).toBe(1)
    expect(tokenHits() - before).toBe(1)
    const viewOnly = await client.getToken({ scope: 'event.view' })
    expect(viewOnly).not.toBe(a)
    expect(tokenHits() - before).toBe(2)
    expect(await client.getToken({ scope: 'event.view' })).toBe(viewOnly)
    const other = await client.getToken({ resource: 'https://other.example.test' })
    expect(other).not.toBe(a)
    expect(tokenHits() - before).toBe(3)
  })

  it('invalidate() drops the cached token', async () => {
    const client = createTokenClient(options())
    const before = tokenHits()
    const first = await client.getToken()
    client.invalidate()
    const second = await client.getToken()
    expect(second).not.toBe(first)
    expect(tokenHits() - before).toBe(2)
  })
})
