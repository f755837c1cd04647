import { describe, expect, it } from 'vitest'
import { decodeJwt } from '../src/bearer/jws.js'

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const token = (header: unknown, payload: unknown = { sub: 'x' }): string =>
  `${b64(header)}.${b64(payload)}.${Buffer.from('signature').toString('base64url')}`

describe('decodeJwt header cache', () => {
  it('shares one frozen decoded header between tokens that carry the same one', () => {
    const header = { alg: 'RS256', kid: 'k1', typ: 'at+jwt' }
    const a = decodeJwt(token(header, { sub: 'a' }))
    const b = decodeJwt(token(header, { sub: 'b' }))
    expect(b.header).toBe(a.header)
    expect(Object.isFrozen(a.header)).toBe(true)
    expect(b.payload).toEqual({ sub: 'b' })
  })

  it('checks every header it has not seen, and refuses a bad one every time', () => {
    for (let i = 0; i < 3; i++) {
      expect(() => decodeJwt(token({ alg: 'RS256', crit: ['exp'] }))).toThrow(/critical/)
      expect(() => decodeJwt(token({ alg: 'RS256', kid: 7 }))).toThrow(/kid/)
      expect(() => decodeJwt(token({ kid: 'k1' }))).toThrow(/alg/)
      // RFC 7515 §4.1.9: a typ that is not a string is malformed, not absent.
      for (const typ of [0, null, ['at+jwt'], { t: 1 }]) {
        expect(() => decodeJwt(token({ alg: 'RS256', typ }))).toThrow(/typ is not a string/)
      }
    }
  })

  it('stays bounded however many distinct headers arrive', () => {
    const first = decodeJwt(token({ alg: 'RS256', kid: 'first' })).header
    for (let i = 0; i < 200; i++) decodeJwt(token({ alg: 'RS256', kid: `k-${i}` }))
    // Started over at least once: the first header is decoded afresh, equal but not shared.
    const again = decodeJwt(token({ alg: 'RS256', kid: 'first' })).header
    expect(again).toEqual(first)
    expect(again).not.toBe(first)
  })
})
