import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  memoryTillStore,
  parseBasicCredentials,
  renderChallenge,
  renderChallenges,
  type Authenticator,
  type Challenge,
} from '@m2m-auth/core'
import {
  anyTextArb,
  expectCleanRefusal,
  FUZZ_TIMEOUT,
  fuzzParams,
  settle,
} from '../support/fuzz.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { findLeak } from '../support/leaks.js'
import { parseChallenges } from '../support/rfc7235.js'
import { md5, PASSWORDS, testTills } from '../support/tills.js'

let issuer: TestIssuer
let pos: Authenticator
const secrets = Object.values(PASSWORDS).flatMap((p) => [p, md5(p)])

beforeAll(async () => {
  issuer = await startIssuer()
  pos = createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    basic: { tills: memoryTillStore(await testTills()), lockout: false },
  })
})
afterAll(() => issuer?.close())

const b64 = (text: string | Uint8Array): string => Buffer.from(text).toString('base64')
// RFC 7617 §2: a user-id has no colon, and neither part has control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/
const userIdArb = fc
  .string({ minLength: 1, maxLength: 20 })
  .filter((s) => !s.includes(':') && !CONTROL.test(s))
const passwordArb = fc.string({ maxLength: 40 }).filter((s) => !CONTROL.test(s))

describe('fuzz: Basic parsing (RFC 7617)', () => {
  it(
    'user-id:password round-trips through base64, split at the first colon only',
    () => {
      fc.assert(
        fc.property(userIdArb, passwordArb, (tillId, password) => {
          expect(parseBasicCredentials(b64(`${tillId}:${password}`))).toEqual({ tillId, password })
        }),
        fuzzParams(500),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'any credential text or decoded bytes give a clean 400/401, and no secret comes back',
    async () => {
      const credential = fc.oneof(
        anyTextArb,
        fc.uint8Array({ maxLength: 80 }).map(b64),
        fc
          .tuple(fc.constantFrom(...Object.keys(PASSWORDS)), fc.oneof(passwordArb, anyTextArb))
          .map(([id, password]) => b64(`${id}:${password}`)),
        fc.nat({ max: 2000 }).map((n) => 'QUJD'.repeat(n)),
      )
      await fc.assert(
        fc.asyncProperty(fc.mixedCase(fc.constant('basic')), credential, async (scheme, value) => {
          const outcome = await settle(pos.authenticate({ authorization: `${scheme} ${value}` }))
          expect(outcome.ok).toBe(false)
          const error = expectCleanRefusal(!outcome.ok && outcome.error, [400, 401])
          const shown = JSON.stringify(error.toJSON()) + JSON.stringify(error.headers)
          expect(findLeak(shown, [...secrets, value])).toBeUndefined()
        }),
        fuzzParams(300),
      )
    },
    FUZZ_TIMEOUT,
  )
})

// RFC 9110 §5.6.4 / challenge.ts: characters a header cannot carry are dropped, the rest kept.
const headerSafe = (value: string): string =>
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  value.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0100-\uffff]/g, '')
const paramName = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_-'),
  minLength: 1,
  maxLength: 12,
})

describe('fuzz: challenge rendering round-trips through a strict RFC 7235 parser', () => {
  it(
    'any parameter values come back exactly, less what a header cannot carry',
    () => {
      const challengeArb = fc.record({
        scheme: fc.constantFrom<'Bearer' | 'Basic'>('Bearer', 'Basic'),
        params: fc.uniqueArray(
          fc.tuple(paramName, fc.oneof(fc.string(), anyTextArb, fc.constant(undefined))),
          {
            selector: ([name]) => name,
            maxLength: 5,
          },
        ),
      })
      fc.assert(
        fc.property(
          fc.array(challengeArb, { minLength: 1, maxLength: 3 }),
          (challenges: Challenge[]) => {
            const parsed = parseChallenges(renderChallenges(challenges))
            expect(parsed).toEqual(
              challenges.map(({ scheme, params }) => ({
                scheme,
                params: Object.fromEntries(
                  params.filter(([, v]) => v !== undefined).map(([n, v]) => [n, headerSafe(v!)]),
                ),
              })),
            )
            for (const c of challenges) expect(parseChallenges(renderChallenge(c))).toHaveLength(1)
          },
        ),
        fuzzParams(500),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'an authenticator with any realm renders challenges the strict parser reads back',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1 }),
          fc.string({ minLength: 1 }),
          async (realm, basicRealm) => {
            const auth = createAuthenticator({
              realm,
              bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
              basic: { tills: memoryTillStore([]), realm: basicRealm },
            })
            const outcome = await settle(auth.authenticate({}))
            const error = expectCleanRefusal(!outcome.ok && outcome.error, [401])
            expect(parseChallenges(error.headers['WWW-Authenticate']!)).toEqual([
              { scheme: 'Bearer', params: { realm: headerSafe(realm) } },
              { scheme: 'Basic', params: { realm: headerSafe(basicRealm), charset: 'UTF-8' } },
            ])
          },
        ),
        fuzzParams(100),
      )
    },
    FUZZ_TIMEOUT,
  )
})
