import { describe, expect, it } from 'vitest'
import { createAuthenticator, isAuthError, type AuthenticatorOptions } from '@m2m-auth/core'

const base = { issuer: 'https://idp.example.test/', audience: 'https://api.example.test' }

describe('configuration mistakes throw a TypeError at construction, naming the option', () => {
  it.each<[string, AuthenticatorOptions, RegExp]>([
    [
      'neither bearer nor basic',
      {} as AuthenticatorOptions,
      /needs at least one of "bearer" \(token issuers\) or "basic" \(POS tills\)/,
    ],
    [
      'empty issuer',
      { bearer: { ...base, issuer: '' } },
      /"bearer.issuer" must be a non-empty string/,
    ],
    [
      'relative issuer',
      { bearer: { ...base, issuer: 'idp' } },
      /"bearer.issuer" must be an absolute URL/,
    ],
    [
      'plain http issuer off loopback',
      { bearer: { ...base, issuer: 'http://idp.example.test/' } },
      /"bearer.issuer" must be an https URL/,
    ],
    [
      'empty audience',
      { bearer: { ...base, audience: [] } },
      /"bearer.audience" must be a non-empty/,
    ],
    [
      'alg none',
      { bearer: { ...base, algorithms: ['none' as 'RS256'] } },
      /"bearer.algorithms" has unsupported algorithm "none"/,
    ],
    [
      'HS256 without secret',
      { bearer: { ...base, algorithms: ['HS256'] } },
      /lists HS256, which needs "secret"/,
    ],
    [
      'short secret',
      { bearer: { ...base, algorithms: ['HS256'], secret: 'short' } },
      /"bearer.secret" must be at least 32 bytes/,
    ],
    [
      'negative tolerance',
      { bearer: { ...base, clockTolerance: -1 } },
      /"bearer.clockTolerance" must be a number >= 0/,
    ],
    [
      'duplicate issuers',
      { bearer: [base, base] },
      /lists issuer https:\/\/idp.example.test\/ twice/,
    ],
    [
      'second issuer bad',
      { bearer: [base, { ...base, issuer: 'https://b.test/', audience: '' }] },
      /"bearer\[1\].audience\[0\]"/,
    ],
    [
      'tiny maxTokenLength',
      { bearer: base, maxTokenLength: 3 },
      /"maxTokenLength" must be an integer >= 64/,
    ],
    ['empty realm', { bearer: base, realm: '' }, /"realm" must be a non-empty string/],
  ])('%s', (_name, options, message) => {
    expect(() => createAuthenticator(options)).toThrow(TypeError)
    expect(() => createAuthenticator(options)).toThrow(message)
  })

  it('does not mutate the options it is given', () => {
    const options = Object.freeze({
      bearer: Object.freeze({ ...base, audience: Object.freeze(['a', 'b']) }),
    })
    expect(() => createAuthenticator(options)).not.toThrow()
  })

  it('starts without contacting the issuer (discovery is lazy)', () => {
    let calls = 0
    createAuthenticator({
      bearer: { ...base, fetch: () => Promise.resolve(new Response(String(++calls))) },
    })
    expect(calls).toBe(0)
  })
})

describe('nothing but AuthError escapes authenticate()', () => {
  const auth = createAuthenticator({
    bearer: {
      ...base,
      fetch: () => Promise.reject(new Error('network is off in this test')),
      failureBackoffMs: 0,
    },
  })
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const inputs: unknown[] = [
    {},
    { authorization: '' },
    { authorization: ' ' },
    { authorization: 'Bearer' },
    { authorization: 'Basic' },
    { authorization: 'Basic !!!' },
    { authorization: '\u0000\u0001' },
    { authorization: 'Bearer ....' },
    { authorization: 'Bearer a.b.c' },
    { authorization: `Bearer ${b64('x')}.${b64('y')}.c` },
    { authorization: `Bearer ${b64({ alg: 'RS256' })}.${b64(null)}.c` },
    { authorization: `Bearer ${b64({ alg: 'RS256' })}.${b64({ iss: base.issuer })}.c` },
    { authorization: `Bearer ${b64({ alg: 'RS256', kid: 5 })}.${b64({ iss: base.issuer })}.c` },
    { authorization: `Bearer ${b64({ alg: { toString: 1 } })}.${b64({ iss: base.issuer })}.c` },
    {
      authorization: `Bearer ${b64({ alg: '__proto__' })}.${b64({ iss: base.issuer, __proto__: { x: 1 } })}.c`,
    },
    { authorization: `Bearer ${'A'.repeat(100_000)}` },
    { authorization: ['Bearer a', 'Bearer b'] },
    { authorization: [] },
    { rawHeaders: ['authorization'] },
    { headers: { authorization: ['Bearer a'] } },
    { url: '?access_token=%zz' },
    { url: '/?access_token' },
  ]

  it.each(inputs.map((input, i) => [i, input] as const))(
    'input %i rejects with an AuthError',
    async (_i, input) => {
      const error = await auth.authenticate(input as never).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isAuthError(error)).toBe(true)
      expect([400, 401, 503]).toContain((error as { status: number }).status)
    },
  )
})

describe('introspection options are checked at construction too (they may come from a file)', () => {
  const introspection = { clientId: 'calendar-api', clientSecret: 'calendar-api-secret' }
  const withIntrospection = (extra: Record<string, unknown>): AuthenticatorOptions => ({
    bearer: { ...base, introspection: { ...introspection, ...extra } },
  })

  it.each<[string, Record<string, unknown>, string]>([
    [
      'requireAudience not a boolean',
      { requireAudience: 'false' },
      '"bearer.introspection.requireAudience" must be true or false',
    ],
    [
      'inactiveCache not an object',
      { inactiveCache: 10_000 },
      '"bearer.introspection.inactiveCache" must be an object or false',
    ],
    [
      'inactiveCache.ttlMs fractional',
      { inactiveCache: { ttlMs: 1.5 } },
      '"bearer.introspection.inactiveCache.ttlMs" must be a whole number >= 0',
    ],
    [
      'maxConcurrent zero',
      { maxConcurrent: 0 },
      '"bearer.introspection.maxConcurrent" must be a whole number >= 1',
    ],
    [
      'maxQueued negative',
      { maxQueued: -1 },
      '"bearer.introspection.maxQueued" must be a whole number >= 0',
    ],
  ])('%s', (_name, extra, message) => {
    expect(() => createAuthenticator(withIntrospection(extra))).toThrow(TypeError)
    expect(() => createAuthenticator(withIntrospection(extra))).toThrow(message)
  })

  it('accepts each of them with a valid value', () => {
    const options = withIntrospection({
      requireAudience: false,
      inactiveCache: { ttlMs: 5000, maxEntries: 100, maxBytes: 65_536 },
      maxConcurrent: 4,
      maxQueued: 0,
    })
    expect(() => createAuthenticator(options)).not.toThrow()
    expect(() => createAuthenticator(withIntrospection({ inactiveCache: false }))).not.toThrow()
  })
})
