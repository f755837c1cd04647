import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTokenClient,
  logHooks,
  type TokenClientHooks,
  type TokenClientOptions,
} from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../../test/support/issuer.js'
import { createTestKey } from '../../../../test/support/keys.js'
import { eventually, testClock } from './clock.js'
import { startLoopbackServer } from './loopback-server.js'

const SECRET = DEFAULT_CLIENTS[0]!.client_secret!
let issuer: TestIssuer

beforeAll(async () => {
  issuer = await startIssuer()
})
afterAll(() => issuer?.close())

/** Every text the client lets out: hook payloads, log lines, errors (deeply inspected). */
function sink() {
  const texts: string[] = []
  const lines: string[] = []
  const record = (name: string) => (event: unknown) =>
    texts.push(`${name} ${JSON.stringify(event)}`)
  const raw: TokenClientHooks = {
    tokenFetched: record('tokenFetched'),
    cacheHit: record('cacheHit'),
    retry: record('retry'),
    refreshFailed: record('refreshFailed'),
    requestFailed: record('requestFailed'),
  }
  const log = logHooks((line) => lines.push(line))
  const hooks: TokenClientHooks = Object.fromEntries(
    Object.keys(raw).map((name) => [
      name,
      (event: never) => {
        raw[name as keyof TokenClientHooks]!(event)
        log[name as keyof TokenClientHooks]!(event)
      },
    ]),
  )
  const caught = async (promise: Promise<unknown>): Promise<unknown> => {
    const error = await promise.then(
      () => {
        throw new Error('expected a failure')
      },
      (e: unknown) => e,
    )
    texts.push(String(error), inspect(error, { depth: 10 }), JSON.stringify(error))
    return error
  }
  return { hooks, texts, lines, caught, all: () => [...texts, ...lines] }
}

function expectClean(texts: string[], secrets: string[]): void {
  expect(texts.length).toBeGreaterThan(0)
  for (const text of texts)
    for (const secret of secrets) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(encodeURIComponent(secret))
      expect(text).not.toContain(new URLSearchParams({ s: secret }).toString().slice(2))
    }
}

describe('no secret reaches a hook, a log line or an error', () => {
  it('across success, cache hits, retries, a failed refresh and a failed request', async () => {
    const clock = testClock()
    const out = sink()
    const options: TokenClientOptions = {
      issuer: issuer.issuer,
      clientId: 'task-service',
      clientSecret: SECRET,
      resource: DEFAULT_RESOURCE,
      retry: { retries: 1, baseDelayMs: 5 },
      hooks: out.hooks,
      now: clock.now,
    }
    const client = createTokenClient(options)
    const token = await client.getToken() // tokenFetched
    await client.getToken() // cacheHit
    clock.advance(250_000)
    issuer.proxy.mode = 'down'
    await client.getToken() // refresh due: retry, then refreshFailed
    await eventually(() => out.texts.some((t) => t.startsWith('refreshFailed')))
    clock.advance(60_000)
    await out.caught(client.getToken()) // expired: retry, requestFailed, error
    issuer.proxy.mode = 'up'
    const wrong = createTokenClient({ ...options, clientSecret: 'the-wrong-secret-0123456789' })
    await out.caught(wrong.getToken()) // invalid_client

    for (const name of ['tokenFetched', 'cacheHit', 'retry', 'refreshFailed', 'requestFailed'])
      expect(
        out.texts.some((t) => t.startsWith(name)),
        name,
      ).toBe(true)
    expect(out.lines.some((l) => l.includes('token refresh failed'))).toBe(true)
    expectClean(out.all(), [SECRET, 'the-wrong-secret-0123456789', token])
  })

  it('redacts a secret an issuer echoes back in its error', async () => {
    const tricky = 'p@ss word/with+symbols&=0123456789'
    const echo = await startLoopbackServer((request) => ({
      status: 400,
      json: { error: 'invalid_request', error_description: `cannot parse ${request.body}` },
    }))
    try {
      const out = sink()
      for (const preset of ['generic', 'loginradius'] as const) {
        const client = createTokenClient({
          preset,
          ...(preset === 'generic'
            ? { tokenEndpoint: `${echo.url}/token`, authMethod: 'client_secret_post' as const }
            : { issuer: echo.url }),
          clientId: 'c',
          clientSecret: tricky,
          hooks: out.hooks,
        })
        const error = await out.caught(client.getToken())
        expect(String(error)).toContain('[REDACTED]')
      }
      expectClean(out.all(), [tricky])
    } finally {
      await echo.close()
    }
  })

  it('never lets a private key into an error', async () => {
    const key = await createTestKey('ES256')
    const out = sink()
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'task-service', // registered for client_secret_basic: the assertion is refused
      privateKey: key.privateJwk,
      hooks: out.hooks,
    })
    await out.caught(client.getToken())
    const broken = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'task-service',
      privateKey:
        '-----BEGIN PRIVATE KEY-----\nTUlJQ2VnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbVF3Z2dKZ0FnRUFBb0dC\n-----END PRIVATE KEY-----',
    })
    const error = await out.caught(broken.getToken())
    expect(error).toBeInstanceOf(TypeError)
    expectClean(out.all(), [
      key.privateJwk.d!,
      'TUlJQ2VnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbVF3Z2dKZ0FnRUFBb0dC',
    ])
  })
})
