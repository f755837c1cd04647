import { describe, expect, it } from 'vitest'
import { createScopeCheck, isAuthError, parseScopeClaim, type Principal } from '@m2m-auth/core'
import { parseAuthorization, readCredentials } from '../src/request.js'

function thrown(fn: () => unknown): { status: number; code: string } {
  try {
    fn()
  } catch (error) {
    if (isAuthError(error)) return { status: error.status, code: error.code }
    throw error
  }
  throw new Error('did not throw')
}

describe('credential parsing (RFC 7235 §2.1, RFC 6750 §2.1)', () => {
  it('accepts the scheme in any case', () => {
    expect(parseAuthorization('BEARER abc.def')).toEqual({ scheme: 'bearer', token: 'abc.def' })
    expect(parseAuthorization('bEaReR abc')).toEqual({ scheme: 'bearer', token: 'abc' })
  })

  it('trims whitespace around the scheme and token the same on the fast path and the general one', () => {
    for (const value of [
      'Bearer abc',
      ' Bearer abc',
      'Bearer  abc',
      'Bearer \tabc',
      'Bearer abc\t',
      '\tBearer abc \u00a0',
    ]) {
      expect(parseAuthorization(value)).toEqual({ scheme: 'bearer', token: 'abc' })
    }
  })

  it('splits Basic credentials the same on the fast path and the general one', () => {
    for (const value of ['Basic dDox', 'basic dDox', ' Basic  dDox ', 'Basic \tdDox']) {
      expect(parseAuthorization(value)).toEqual({ scheme: 'basic', value: 'dDox' })
    }
  })

  it('leaves the b64token check to the verifier when asked, and still splits the same way', () => {
    expect(parseAuthorization('Bearer a,b', false)).toEqual({ scheme: 'bearer', token: 'a,b' })
    expect(
      readCredentials({ rawHeaders: ['authorization', 'Bearer a,b'] }, undefined, false),
    ).toEqual({
      scheme: 'bearer',
      token: 'a,b',
    })
    expect(thrown(() => readCredentials({ rawHeaders: ['authorization', 'Bearer a,b'] }))).toEqual({
      status: 400,
      code: 'ERR_REQUEST_MALFORMED',
    })
  })

  it('accepts every b64token character and trailing =', () => {
    expect(parseAuthorization('Bearer aZ09-._~+/==')).toEqual({
      scheme: 'bearer',
      token: 'aZ09-._~+/==',
    })
  })

  it.each([['Bearer a,b'], ['Bearer a=b'], ['Bearer ä'], ['Bearer a b']])(
    'rejects %j with 400',
    (value) => {
      expect(thrown(() => parseAuthorization(value))).toEqual({
        status: 400,
        code: 'ERR_REQUEST_MALFORMED',
      })
    },
  )

  it('finds duplicate Authorization headers in rawHeaders, whatever their case', () => {
    const rawHeaders = ['Authorization', 'Bearer a', 'host', 'x', 'AUTHORIZATION', 'Bearer b']
    expect(thrown(() => readCredentials({ rawHeaders }))).toEqual({
      status: 400,
      code: 'ERR_REQUEST_MALFORMED',
    })
  })

  it('refuses access_token in the query string but not lookalikes', () => {
    expect(thrown(() => readCredentials({ url: '/x?a=1&access_token=t' }))).toEqual({
      status: 400,
      code: 'ERR_REQUEST_MALFORMED',
    })
    expect(readCredentials({ url: '/x?my_access_token_count=1' })).toBeUndefined()
  })

  it('hands the same credentials out again for the same value, compared whole, and nothing stale', () => {
    // A fresh string per request, as the HTTP parser makes them.
    const header = (value: string) => Buffer.from(value, 'latin1').toString('latin1')
    const read = (value: string) =>
      readCredentials({ rawHeaders: ['Authorization', header(value)] }, undefined, false)
    const first = read('Bearer abc.def.ghi')
    expect(read('Bearer abc.def.ghi')).toBe(first)
    // One character apart, either end: parsed afresh, never the remembered answer.
    expect(read('Bearer abc.def.ghj')).toEqual({ scheme: 'bearer', token: 'abc.def.ghj' })
    expect(read('Bearer Abc.def.ghi')).toEqual({ scheme: 'bearer', token: 'Abc.def.ghi' })
    expect(read('Basic abc.def.ghi')).toEqual({ scheme: 'basic', value: 'abc.def.ghi' })
    expect(read('Bearer abc.def.ghi')).toEqual({ scheme: 'bearer', token: 'abc.def.ghi' })
  })

  it('checks the request around a remembered value every time, and never remembers a refusal', () => {
    const value = 'Bearer abc.def.ghi'
    expect(readCredentials({ rawHeaders: ['Authorization', value] }, undefined, false)).toEqual({
      scheme: 'bearer',
      token: 'abc.def.ghi',
    })
    const again = { rawHeaders: ['Authorization', value], url: '/x?access_token=t' }
    expect(thrown(() => readCredentials(again, undefined, false))).toEqual({
      status: 400,
      code: 'ERR_REQUEST_MALFORMED',
    })
    const twice = { rawHeaders: ['Authorization', value, 'authorization', value] }
    expect(thrown(() => readCredentials(twice, undefined, false))).toEqual({
      status: 400,
      code: 'ERR_REQUEST_MALFORMED',
    })
    const bad = { rawHeaders: ['Authorization', 'Be@rer abc'] }
    for (let i = 0; i < 2; i++) {
      expect(thrown(() => readCredentials(bad, undefined, false))).toEqual({
        status: 400,
        code: 'ERR_REQUEST_MALFORMED',
      })
    }
  })

  it('reports an unknown scheme as such', () => {
    expect(parseAuthorization('Digest username="x"')).toEqual({ scheme: 'other', name: 'Digest' })
  })
})

describe('scope checks', () => {
  const principal = (scopes: string[]): Principal => ({
    scheme: 'bearer',
    subject: 's',
    scopes: new Set(scopes),
    claims: {},
  })

  it('requireScope needs all, requireAnyScope needs one', () => {
    const all = createScopeCheck('all', ['a', 'b'])
    const any = createScopeCheck('any', ['a', 'b'])
    expect(() => all(principal(['a', 'b', 'c']))).not.toThrow()
    expect(thrown(() => all(principal(['a'])))).toEqual({
      status: 403,
      code: 'ERR_SCOPE_INSUFFICIENT',
    })
    expect(() => any(principal(['b']))).not.toThrow()
    expect(thrown(() => any(principal([])))).toEqual({
      status: 403,
      code: 'ERR_SCOPE_INSUFFICIENT',
    })
  })

  it('answers 401 when no principal reached the check', () => {
    expect(thrown(() => createScopeCheck('all', ['a'])(undefined))).toEqual({
      status: 401,
      code: 'ERR_CREDENTIALS_MISSING',
    })
  })

  it('refuses invalid scope names at construction', () => {
    expect(() => createScopeCheck('all', [])).toThrow(TypeError)
    expect(() => createScopeCheck('all', ['has space'])).toThrow(/scope-token/)
    expect(() => createScopeCheck('all', ['quo"te'])).toThrow(TypeError)
  })

  it('normalises space-delimited strings and arrays', () => {
    expect(parseScopeClaim('a  b c')).toEqual(['a', 'b', 'c'])
    expect(parseScopeClaim(' a b ')).toEqual(['a', 'b'])
    expect(parseScopeClaim('a b')).toEqual(['a', 'b'])
    expect(parseScopeClaim('')).toEqual([])
    expect(parseScopeClaim(['a', 1, 'b'])).toEqual(['a', 'b'])
    expect(parseScopeClaim({ a: 1 })).toEqual([])
  })
})
