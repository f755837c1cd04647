import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRedactor } from '../../src/outbound/redact.js'
import { FUZZ_TIMEOUT, fuzzParams } from '../../../../test/support/fuzz.js'
import { leakForms } from './leaks.js'

const MARK = '[REDACTED]'
const SPECIAL = [...'+/=%:&"\\ \'()!*~-_.@#?é€\u00a0\u2028😀']

/** Secrets from the characters that encode differently in a form, a URL, JSON and base64. */
const secretArb = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(...SPECIAL), minLength: 4, maxLength: 24 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 4, maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 4, maxLength: 24 }),
    fc.string({
      unit: fc.oneof(fc.constantFrom(...SPECIAL), fc.constantFrom(...'aZ09')),
      minLength: 4,
      maxLength: 32,
    }),
  )
  .filter((s) => !s.includes('\u0001'))
const clientIdArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...SPECIAL, 'a', 'b'), minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
)
const aroundArb = fc.string({ unit: 'grapheme-ascii', maxLength: 16 })

/**
 * The marker is mapped to a character no secret holds before looking: otherwise a secret that
 * happens to spell part of `[REDACTED]` (or to continue it) would be "found" in the marker.
 */
const withoutMarks = (text: string): string => text.split(MARK).join('\u0001')

describe('createRedactor', () => {
  it(
    'leaves no form of a secret, raw, encoded or inside Basic credentials, in any text',
    () => {
      fc.assert(
        fc.property(
          secretArb,
          clientIdArb,
          aroundArb,
          aroundArb,
          (secret, clientId, before, after) => {
            const redact = createRedactor([undefined, secret], { clientId })
            const forms = leakForms(secret, clientId)
            const all = withoutMarks(redact(forms.join(' ')))
            for (const form of forms) {
              expect(withoutMarks(redact(`${before}${form}${after}`))).not.toContain(form)
              expect(all).not.toContain(form)
            }
          },
        ),
        fuzzParams(300),
      )
    },
    FUZZ_TIMEOUT,
  )

  it('without a clientId, still redacts the secret itself (existing callers)', () => {
    const redact = createRedactor(['a-long secret/+'])
    expect(redact('x a-long secret/+ a-long%20secret%2F%2B a-long+secret%2F%2B y')).toBe(
      `x ${MARK} ${MARK} ${MARK} y`,
    )
    expect(createRedactor([undefined, 'abc'])('abc')).toBe('abc') // too short to be told apart
  })

  it('redacts a JWT-shaped value only when asked to', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjIn0.c2lnbmF0dXJl'
    expect(createRedactor([], { jwt: true })(`assertion=${jwt}&x=1`)).toBe(`assertion=${MARK}&x=1`)
    expect(createRedactor([])(`assertion=${jwt}`)).toBe(`assertion=${jwt}`)
  })
})
