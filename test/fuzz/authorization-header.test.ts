import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, type Authenticator } from '@m2m-auth/core'
import {
  anyTextArb,
  b64tokenArb,
  expectCleanRefusal,
  FUZZ_TIMEOUT,
  fuzzParams,
  lengthArb,
  mutatedArb,
  schemeArb,
  separatorArb,
  settle,
} from '../support/fuzz.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { findLeak } from '../support/leaks.js'

let issuer: TestIssuer
let auth: Authenticator
let valid: string

beforeAll(async () => {
  issuer = await startIssuer()
  auth = createAuthenticator({ bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE } })
  valid = await issuer.token('task-service', { scope: 'event.create event.view' })
  await auth.authenticate({ authorization: `Bearer ${valid}` }) // keys fetched once
})
afterAll(() => issuer?.close())

/** The signature bytes a token carries: base64url has spare bits, so two spellings may match. */
const signatureBytes = (token: string): string =>
  Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url').toString('hex')

/**
 * The one property of the whole header path: a value either yields the caller the valid token
 * names (only when it carries that very token, RFC 7235 §2.1 scheme in any case), or is refused
 * with a clean 400/401 AuthError whose challenge parses and which repeats none of the input.
 */
async function checkValue(value: string, asRaw: boolean): Promise<void> {
  const request = asRaw ? { rawHeaders: ['Authorization', value] } : { authorization: value }
  const outcome = await settle(auth.authenticate(request))
  if (outcome.ok) {
    const match = /^[ \t]*bearer +(\S+)[ \t]*$/i.exec(value)
    expect(match, `accepted ${JSON.stringify(value)}`).not.toBeNull()
    const token = match![1]!
    expect(token.slice(0, token.lastIndexOf('.'))).toBe(valid.slice(0, valid.lastIndexOf('.')))
    expect(signatureBytes(token)).toBe(signatureBytes(valid))
    expect(outcome.value.subject).toBe('task-service')
    return
  }
  const error = expectCleanRefusal(outcome.error, [400, 401])
  const shown = `${JSON.stringify(error.toJSON())}\n${JSON.stringify(error.headers)}\n${error.message}`
  const secrets = value.length >= 8 ? [value, value.trim()] : []
  expect(findLeak(shown, [...secrets, valid])).toBeUndefined()
}

const headerArb = (credential: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(separatorArb, schemeArb, separatorArb, credential, separatorArb)
    .map(([lead, scheme, sep, cred, trail]) => `${lead}${scheme}${sep}${cred}${trail}`)

describe('fuzz: Authorization header parsing (core)', () => {
  it(
    'any scheme, case, whitespace and b64token resolves to the caller or a clean AuthError',
    async () => {
      await fc.assert(
        fc.asyncProperty(headerArb(b64tokenArb), fc.boolean(), checkValue),
        fuzzParams(300),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'arbitrary code points, lone surrogates and control bytes never escape AuthError',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(anyTextArb, headerArb(anyTextArb)), fc.boolean(), checkValue),
        fuzzParams(300),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'values around the size limits are refused cleanly, never parsed at length',
    async () => {
      await fc.assert(
        fc.asyncProperty(headerArb(lengthArb), fc.boolean(), checkValue),
        fuzzParams(60),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'the valid token in any scheme case and spacing is accepted; one changed character is not',
    async () => {
      const spelled = fc
        .tuple(fc.mixedCase(fc.constant('bearer')), fc.constantFrom(' ', '  ', '   '))
        .map(([scheme, sp]) => `${scheme}${sp}${valid}`)
      await fc.assert(
        fc.asyncProperty(spelled, async (value) => {
          await expect(auth.authenticate({ authorization: value })).resolves.toMatchObject({
            subject: 'task-service',
          })
        }),
        fuzzParams(40),
      )
      await fc.assert(
        fc.asyncProperty(
          mutatedArb(valid).map((t) => `Bearer ${t}`),
          fc.boolean(),
          checkValue,
        ),
        fuzzParams(300),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'several Authorization values in one request are a 400, whatever they hold',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(headerArb(b64tokenArb), fc.constant(`Bearer ${valid}`)), {
            minLength: 2,
            maxLength: 4,
          }),
          async (values) => {
            const outcome = await settle(
              auth.authenticate({ rawHeaders: values.flatMap((v) => ['authorization', v]) }),
            )
            expect(outcome.ok).toBe(false)
            const error = expectCleanRefusal(!outcome.ok && outcome.error, [400])
            expect(error.toJSON().error).toBe('invalid_request')
          },
        ),
        fuzzParams(100),
      )
    },
    FUZZ_TIMEOUT,
  )
})
