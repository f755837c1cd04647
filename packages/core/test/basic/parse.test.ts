import { describe, expect, it } from 'vitest'
import { isAuthError } from '../../src/errors.js'
import { parseBasicCredentials } from '../../src/basic/parse.js'

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64')

function rejection(value: string): { status: number; error: string | undefined; message: string } {
  try {
    parseBasicCredentials(value)
  } catch (error) {
    if (!isAuthError(error)) throw error
    return { status: error.status, error: error.error, message: error.message }
  }
  throw new Error('expected a rejection')
}

describe('parseBasicCredentials (RFC 7617)', () => {
  it('splits user-id and password at the first colon only', () => {
    expect(parseBasicCredentials(b64('T-1:pass:with:colons'))).toEqual({
      tillId: 'T-1',
      password: 'pass:with:colons',
    })
  })

  it('decodes UTF-8 user-ids (charset="UTF-8", RFC 7617 §2.1)', () => {
    expect(parseBasicCredentials(b64('Kasse-Köln-3:x')).tillId).toBe('Kasse-Köln-3')
  })

  it('allows an empty password (it then fails verification, not parsing)', () => {
    expect(parseBasicCredentials(b64('T-1:'))).toEqual({ tillId: 'T-1', password: '' })
  })

  it.each([
    ['not base64', 'VC0x%%%', 'the Basic credentials are not valid base64'],
    ['unpadded base64', 'VC0xOmE', 'the Basic credentials are not valid base64'],
    ['base64url characters', 'VC0xO-_h', 'the Basic credentials are not valid base64'],
    ['no colon', b64('T-1'), 'the Basic credentials have no colon'],
    ['an empty user-id', b64(':secret'), 'the Basic user-id is empty'],
    [
      'a control character in the password',
      b64('T-1:a\u0000b'),
      'the Basic credentials contain control characters',
    ],
    ['DEL in the user-id', b64('T\u007f1:x'), 'the Basic credentials contain control characters'],
    [
      'invalid UTF-8',
      b64(Buffer.from([0x41, 0x3a, 0xc3, 0x28])),
      'the Basic credentials are not valid UTF-8',
    ],
    ['nothing at all', '', 'the Basic credentials are empty'],
    ['an oversize value', 'A'.repeat(2048), 'the Basic credentials are too long'],
  ])('rejects %s with 400 invalid_request', (_name, value, message) => {
    expect(rejection(value)).toEqual({ status: 400, error: 'invalid_request', message })
  })
})
