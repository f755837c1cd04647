import { describe, expect, it } from 'vitest'
import { InsufficientScopeError, InvalidTokenError, renderChallenge } from '@m2m-auth/core'

describe('WWW-Authenticate rendering', () => {
  it('escapes backslash and double quote inside quoted-strings (RFC 9110 §5.6.4)', () => {
    expect(renderChallenge({ scheme: 'Bearer', params: [['realm', 'a "quoted" \\ realm']] })).toBe(
      'Bearer realm="a \\"quoted\\" \\\\ realm"',
    )
  })

  it('drops characters that cannot appear in a header field', () => {
    expect(
      renderChallenge({
        scheme: 'Bearer',
        params: [['error_description', 'line\r\nbreak\u0000\u2028']],
      }),
    ).toBe('Bearer error_description="linebreak"')
  })

  it('renders a bare scheme when there are no parameters', () => {
    expect(renderChallenge({ scheme: 'Bearer', params: [['realm', undefined]] })).toBe('Bearer')
  })

  it('adds the Basic challenge to a 401 only where Basic is enabled', () => {
    const error = new InvalidTokenError({
      code: 'ERR_TOKEN_EXPIRED',
      description: 'the token has expired',
    })
    expect(error.withConfig({ realm: 'api' }).headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="the token has expired"',
    )
    expect(error.withConfig({ realm: 'api', basicRealm: 'pos' }).headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="the token has expired", Basic realm="pos", charset="UTF-8"',
    )
  })

  it('names the required scope on 403 and never offers Basic there', () => {
    const error = new InsufficientScopeError({
      code: 'ERR_SCOPE_INSUFFICIENT',
      description: 'requires scope a',
      scope: 'a',
    }).withConfig({ realm: 'api', basicRealm: 'pos' })
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="requires scope a", scope="a"',
    )
  })

  it('serialises to the small body only: no stack, no cause', () => {
    const error = new InvalidTokenError({
      code: 'ERR_TOKEN_INVALID',
      description: 'the token could not be verified',
      cause: new Error('secret detail eyJhbGciOi'),
    })
    expect(JSON.stringify(error)).toBe(
      '{"error":"invalid_token","error_description":"the token could not be verified"}',
    )
    expect(error.status).toBe(401)
    expect(error.statusCode).toBe(401)
    expect(error.expose).toBe(true)
  })
})
