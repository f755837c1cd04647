import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient, type TokenClientOptions } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../../test/support/issuer.js'
import { createTestKey } from '../../../../test/support/keys.js'
import { eventually, testClock } from './clock.js'
import { expectClean, sink } from './leaks.js'
import { startLoopbackServer, type Answer, type Recorded } from './loopback-server.js'

const SECRET = DEFAULT_CLIENTS[0]!.client_secret!
// Every character that encodes differently in a form, a URL, JSON, Basic and base64.
const TRICKY = 'p@ss word/with+symbols&=%:"\\é€ (it\'s)-0123456789~'
const ECHO_ID = 'svc:ü id/+'
let issuer: TestIssuer

/**
 * A token endpoint that repeats what it received (Authorization header, body, every form
 * parameter) in its error, raw, inside a JSON dump, PHP-style JSON (`\/`) and URL-encoded:
 * in the JSON body (RFC 6749 §5.2), in a `WWW-Authenticate` challenge, or in a 503.
 */
const MODES = ['body', 'challenge', 'server error'] as const
function echoAnswer(mode: (typeof MODES)[number]) {
  return (request: Recorded): Answer => {
    const auth = request.headers.authorization ?? ''
    const echoed = [
      `authorization=${auth}`,
      `uri=${encodeURIComponent(auth)}`,
      ...(mode === 'challenge' // a header value is ASCII
        ? [`body=${encodeURIComponent(request.body)}`]
        : [
            `body=${request.body}`,
            `json=${JSON.stringify({ headers: request.headers, body: request.body })}`,
            `php=${JSON.stringify(auth).replace(/\//g, '\\/')}`,
            `params=${[...new URLSearchParams(request.body).values()].join(' ')}`,
          ]),
    ].join(' ')
    const error = { error: 'invalid_client', error_description: echoed }
    if (mode === 'server error') return { status: 503, json: error }
    if (mode === 'body') return { status: 401, json: error }
    const quoted = echoed.replace(/[\\"]/g, '\\$&') // RFC 9110 §5.6.4 quoted-string
    return {
      status: 401,
      headers: {
        'www-authenticate': `Basic realm="token", error="invalid_client", error_description="${quoted}"`,
      },
    }
  }
}

beforeAll(async () => {
  issuer = await startIssuer()
})
afterAll(() => issuer?.close())

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
    expectClean(out.all(), [SECRET, 'the-wrong-secret-0123456789', token], 'task-service')
  })

  it.each(['client_secret_basic', 'client_secret_post', 'loginradius'] as const)(
    'redacts every form of the secret an issuer echoes back in its error (%s)',
    async (method) => {
      const out = sink()
      // The JSON dialect reads only the body; openid-client also reads a challenge.
      const modes = method === 'loginradius' ? MODES.filter((m) => m !== 'challenge') : MODES
      for (const mode of modes) {
        const echo = await startLoopbackServer(echoAnswer(mode))
        try {
          const client = createTokenClient({
            ...(method === 'loginradius'
              ? { preset: 'loginradius' as const, issuer: echo.url }
              : { tokenEndpoint: `${echo.url}/token`, authMethod: method }),
            clientId: ECHO_ID,
            clientSecret: TRICKY,
            retry: { retries: 1, baseDelayMs: 1 },
            hooks: out.hooks,
          })
          const error = await out.caught(client.getToken())
          // Where the issuer's error is reported, its echo is: redacted.
          if (String(error).includes('invalid_client'))
            expect(String(error)).toContain('[REDACTED]')
        } finally {
          await echo.close()
        }
      }
      expect(out.lines.some((l) => l.includes('[REDACTED]'))).toBe(true)
      expectClean(out.all(), [TRICKY], ECHO_ID)
    },
  )

  it('never lets a private_key_jwt client assertion into an error or a log line', async () => {
    const key = await createTestKey('ES256')
    const out = sink()
    const echo = await startLoopbackServer(echoAnswer('body'))
    try {
      const client = createTokenClient({
        tokenEndpoint: `${echo.url}/token`,
        clientId: ECHO_ID,
        privateKey: key.privateJwk,
        hooks: out.hooks,
      })
      await out.caught(client.getToken())
      const assertion = new URLSearchParams(echo.requests[0]!.body).get('client_assertion')!
      expect(assertion.split('.')).toHaveLength(3)
      expectClean(out.all(), [assertion, key.privateJwk.d!])
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
