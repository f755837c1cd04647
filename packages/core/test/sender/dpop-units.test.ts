import { describe, expect, it } from 'vitest'
import { createAuthenticator } from '@m2m-auth/core'
import { normalizeHtu } from '../../src/sender/htu.js'
import { createNonceSource, NONCE_STEP_MS } from '../../src/sender/dpop-nonce.js'

describe('normalizeHtu (RFC 3986 §6.2.2)', () => {
  it.each([
    ['HTTPS://API.Example.COM/events', 'https://api.example.com/events'],
    ['https://api.example.com:443/events', 'https://api.example.com/events'],
    ['http://api.example.com:80/events', 'http://api.example.com/events'],
    ['https://api.example.com/%7euser/%2f', 'https://api.example.com/~user/%2F'],
    ['https://api.example.com/a/../events?x=1#frag', 'https://api.example.com/events'],
  ])('normalises %s', (input, expected) => {
    expect(normalizeHtu(input)).toBe(expected)
  })

  it('keeps a non-default port and distinct paths apart', () => {
    expect(normalizeHtu('https://api.example.com:8443/events')).toBe(
      'https://api.example.com:8443/events',
    )
    expect(normalizeHtu('https://api.example.com/Events')).not.toBe(
      normalizeHtu('https://api.example.com/events'),
    )
  })

  it.each(['/events', 'ftp://api.example.com/x', 'https://user:pw@api.example.com/x', 'not a url'])(
    'refuses %s',
    (input) => {
      expect(normalizeHtu(input)).toBeUndefined()
    },
  )
})

describe('stateless nonces (RFC 9449 §9)', () => {
  const secret = new Uint8Array(32).fill(7)

  it('accept the previous step, and every replica derives the same nonce from the secret', () => {
    const a = createNonceSource(secret)
    const b = createNonceSource(secret)
    const t = 10 * NONCE_STEP_MS
    const nonce = a.current(t)
    expect(b.check(nonce, t)).toBe('current')
    expect(b.check(nonce, t + NONCE_STEP_MS)).toBe('previous')
    expect(b.check(nonce, t + 2 * NONCE_STEP_MS)).toBe('invalid')
    expect(createNonceSource(new Uint8Array(32).fill(8)).check(nonce, t)).toBe('invalid')
  })
})

describe('dpop options', () => {
  const issuer = 'https://idp.example.com/'
  const make =
    (dpop: unknown, extra: object = {}) =>
    () =>
      createAuthenticator({ bearer: { issuer, audience: 'a', dpop: dpop as never }, ...extra })

  it.each([
    [{ required: 'yes' }, '"bearer.dpop.required" must be a boolean'],
    [{ iatWindowSec: 0 }, '"bearer.dpop.iatWindowSec" must be a number of seconds > 0 and <= 3600'],
    [{ algorithms: ['HS256'] }, '"bearer.dpop.algorithms" has unsupported algorithm "HS256"'],
    [{ algorithms: ['none'] }, '"bearer.dpop.algorithms" has unsupported algorithm "none"'],
    [{ algorithms: [] }, '"bearer.dpop.algorithms" must be a non-empty array'],
    [{ nonce: { secret: 'short' } }, '"bearer.dpop.nonce.secret" must be at least 32 bytes'],
    [{ extra: true }, 'bearer.dpop.extra'],
  ])('refuse %j at construction with a TypeError naming the option', (dpop, message) => {
    expect(make(dpop)).toThrow(TypeError)
    expect(make(dpop)).toThrow(message)
  })

  it.each(['https://api.example.com/path', 'api.example.com', 'ftp://api.example.com'])(
    'refuse publicUrl %s',
    (publicUrl) => {
      expect(make({}, { publicUrl })).toThrow('"publicUrl" must be an http(s) origin')
    },
  )
})
