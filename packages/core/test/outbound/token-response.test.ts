import { SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createTokenClient, isTokenRequestError, type TokenClientOptions } from '@m2m-auth/core'
import { eventually, testClock, type TestClock } from './clock.js'
import { expectClean, sink } from './leaks.js'
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js'

const SECRET = 'loopback-secret-0123456789abcdef'
const DAY_S = 86_400
const PRESETS = ['generic', 'loginradius'] as const
type Preset = (typeof PRESETS)[number]

const servers: LoopbackServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/**
 * A token endpoint answering `body(n)` to its n-th request (from 1), reached as an RFC 6749
 * form endpoint (openid-client) or as LoginRadius's JSON one: both read the same answer.
 */
async function issuer(
  preset: Preset,
  body: (n: number) => Record<string, unknown>,
  clock: TestClock = testClock(),
) {
  const server = await startLoopbackServer(() => ({ json: body(server.requests.length) }))
  servers.push(server)
  const out = sink()
  const options: TokenClientOptions = {
    ...(preset === 'generic' ? { tokenEndpoint: `${server.url}/token` } : { issuer: server.url }),
    preset,
    clientId: 'c',
    clientSecret: SECRET,
    hooks: out.hooks,
    now: clock.now,
  }
  return { server, out, client: createTokenClient(options) }
}

const bearer = (extra: Record<string, unknown>) => (n: number) => ({
  access_token: `token-${n}`,
  token_type: 'Bearer',
  ...extra,
})
const secondsLeft = (date: Date) => Math.round((date.getTime() - Date.now()) / 1000)

async function farFutureJwt(): Promise<string> {
  return new SignJWT({ sub: 'c' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('10y')
    .sign(new TextEncoder().encode('k'.repeat(32)))
}

describe('a token lifetime is capped at 24 hours', () => {
  const cases = PRESETS.flatMap((preset) =>
    [
      ['expires_in 1e20', { expires_in: 1e20 }],
      ['expires_in 1e300', { expires_in: 1e300 }],
      ['expires_in "99999999999999999999"', { expires_in: '99999999999999999999' }],
      ['a JWT exp 10 years ahead', { access_token: 'jwt' }],
    ].map(([name, extra]) => [name as string, preset, extra as Record<string, unknown>] as const),
  )

  it.each(cases)(
    'caps %s at 24 h instead of an Invalid Date cached for ever (%s)',
    async (_, preset, extra) => {
      const jwt = await farFutureJwt()
      const clock = testClock()
      const body = (n: number) => ({
        ...bearer(extra)(n),
        ...(extra.access_token === 'jwt' ? { access_token: jwt } : {}),
      })
      const { server, client } = await issuer(preset, body, clock)
      const { expiresAt } = await client.getAccessToken()
      expect(Number.isNaN(expiresAt.getTime())).toBe(false)
      expect(secondsLeft(expiresAt)).toBeLessThanOrEqual(DAY_S)
      expect(secondsLeft(expiresAt)).toBeGreaterThan(DAY_S - 60)
      clock.advance(DAY_S * 1000)
      await client.getToken()
      expect(server.requests).toHaveLength(2)
    },
  )
})

describe('expires_in 0: the token is used once, not cached', () => {
  it.each(PRESETS)(
    'hands it to every caller of that one request, then asks again (%s)',
    async (preset) => {
      const { server, client } = await issuer(preset, bearer({ expires_in: 0 }))
      const first = await Promise.all(Array.from({ length: 5 }, () => client.getToken()))
      expect(first).toEqual(Array(5).fill('token-1'))
      expect(server.requests).toHaveLength(1)
      expect(await client.getToken()).toBe('token-2')
      expect(server.requests).toHaveLength(2)
    },
  )

  it.each(PRESETS)(
    'keeps serving the valid token when a refresh brings back one with expires_in 0 (%s)',
    async (preset) => {
      const clock = testClock()
      const { server, client } = await issuer(
        preset,
        (n) => bearer({ expires_in: n === 1 ? 3600 : 0 })(n),
        clock,
      )
      expect(await client.getToken()).toBe('token-1')
      clock.advance(3_500_000) // past the refresh point (at most 330 s ahead), before expiry
      expect(await client.getToken()).toBe('token-1') // served while one refresh runs
      await eventually(() => server.requests.length === 2)
      for (let i = 0; i < 3; i++) expect(await client.getToken()).toBe('token-1')
      expect(server.requests).toHaveLength(2)
    },
  )
})

describe('token_type: only Bearer tokens are accepted', () => {
  it.each(PRESETS.flatMap((p) => ['bearer', 'BEARER', 'Bearer'].map((t) => [t, p] as const)))(
    'accepts token_type %s in any letter case (RFC 6749 §5.1) (%s)',
    async (type, preset) => {
      const { client } = await issuer(preset, bearer({ token_type: type, expires_in: 60 }))
      expect((await client.getAccessToken()).headers).toEqual({ authorization: 'Bearer token-1' })
    },
  )

  it.each(
    PRESETS.flatMap((p) => ['DPoP', 'dpop', 'N_A', 'mac', 'Basic', ''].map((t) => [t, p] as const)),
  )('refuses token_type %j instead of sending it as Bearer (%s)', async (type, preset) => {
    const token = 'issued-token-0123456789'
    const { server, out, client } = await issuer(preset, () => ({
      access_token: token,
      token_type: type,
      expires_in: 60,
    }))
    const api = await startLoopbackServer(() => ({ status: 200 }))
    servers.push(api)
    const error = await out.caught(client.fetch(api.url))
    expect(isTokenRequestError(error) && error.code).toBe('ERR_TOKEN_RESPONSE_INVALID')
    if (type.toLowerCase() === 'dpop') expect(String(error)).toMatch(/DPoP.*RFC 9449/)
    expect(api.requests).toHaveLength(0)
    expect(server.requests).toHaveLength(1) // not retried: asking again cannot help
    expectClean(out.all(), [token])
  })
})

describe('access_token: refused unless it is an RFC 6750 §2.1 b64token', () => {
  const bad = [
    'tok-0123456789\r\nX-Injected: yes',
    'tok-0123456789\nX-Injected: yes',
    'tok-0123456789 with-space',
    'tok-0123456789"quoted',
    'tok-0123456789,comma',
    'tok=0123456789',
    'tök-0123456789',
    'tok-0123456789\u0000',
  ]
  it.each(PRESETS.flatMap((p) => bad.map((t) => [t, p] as const)))(
    'refuses %j before it can reach a header, without echoing it (%s)',
    async (token, preset) => {
      const { out, client } = await issuer(preset, () => ({
        access_token: token,
        token_type: 'Bearer',
        expires_in: 60,
      }))
      const api = await startLoopbackServer(() => ({ status: 200 }))
      servers.push(api)
      const error = await out.caught(client.fetch(api.url))
      expect(isTokenRequestError(error) && error.code).toBe('ERR_TOKEN_RESPONSE_INVALID')
      expect(String(error)).toContain('b64token')
      expect(api.requests).toHaveLength(0)
      expectClean(out.all(), [token, token.slice(0, 14)])
    },
  )
})

describe('expires_in must be a non-negative number of seconds (RFC 6749 §5.1)', () => {
  const bad: unknown[] = [-1, '-1', -1e20, 'soon', '', '1e400', true, {}]
  it.each(PRESETS.flatMap((p) => bad.map((v) => [v, p] as const)))(
    'refuses expires_in %j, as openid-client does (%s)',
    async (value, preset) => {
      const { out, client } = await issuer(preset, bearer({ expires_in: value }))
      const error = await out.caught(client.getToken())
      expect(isTokenRequestError(error) && error.code).toBe('ERR_TOKEN_RESPONSE_INVALID')
      expect(String(error)).toContain('expires_in')
    },
  )
})
