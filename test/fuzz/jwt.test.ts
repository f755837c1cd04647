import { createPrivateKey } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, type Authenticator } from '@m2m-auth/core'
import { b64url, rsaToken } from '../support/forge.js'
import { expectCleanRefusal, FUZZ_TIMEOUT, fuzzParams, settle } from '../support/fuzz.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { findLeak } from '../support/leaks.js'

let issuer: TestIssuer
let auth: Authenticator
const now = Math.floor(Date.now() / 1000)

beforeAll(async () => {
  issuer = await startIssuer()
  auth = createAuthenticator({ bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE } })
  await auth.authenticate({ authorization: `Bearer ${await issuer.token('task-service')}` })
})
afterAll(() => issuer?.close())

const segment = (value: unknown): string => b64url(JSON.stringify(value) ?? '')

/** A JWS header: the fields core reads, with values of every JSON type. */
const headerArb = fc.record(
  {
    alg: fc.oneof(
      fc.constantFrom('RS256', 'ES256', 'HS256', 'none', 'PS256', 'EdDSA', ''),
      fc.jsonValue(),
    ),
    kid: fc.oneof(fc.string(), fc.jsonValue()),
    typ: fc.oneof(fc.constantFrom('at+jwt', 'JWT', 'application/at+jwt', 'id+jwt'), fc.jsonValue()),
    crit: fc.array(fc.string(), { maxLength: 2 }),
    b64: fc.boolean(),
  },
  { requiredKeys: [] },
)

/** One segment: JSON of any shape, a header, arbitrary base64url, or nothing. */
const segmentArb = fc.oneof(
  headerArb.map(segment),
  fc.jsonValue().map(segment),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHabcdefgh0123456789-_'), maxLength: 40 }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => b64url(Buffer.from(bytes))),
  fc.constant(''),
)

describe('fuzz: JWT segment decoding', () => {
  it(
    'any three segments are refused with a clean 400/401, never accepted, never echoed',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(segmentArb, { minLength: 1, maxLength: 5 }), async (segments) => {
          const token = segments.join('.')
          const outcome = await settle(auth.authenticate({ authorization: `Bearer ${token}` }))
          expect(outcome.ok).toBe(false)
          const error = expectCleanRefusal(!outcome.ok && outcome.error, [400, 401])
          const shown = JSON.stringify(error.toJSON()) + JSON.stringify(error.headers)
          expect(findLeak(shown, [token])).toBeUndefined()
        }),
        fuzzParams(400),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'headers of any shape over right claims, signed by the issuer key, never crash the verifier',
    async () => {
      const key = createPrivateKey({ key: issuer.key.privateJwk as never, format: 'jwk' })
      const claims = { iss: issuer.issuer, aud: DEFAULT_RESOURCE, sub: 's', exp: now + 300 }
      await fc.assert(
        fc.asyncProperty(headerArb, async (header) => {
          const token = rsaToken(header, claims, key)
          const outcome = await settle(auth.authenticate({ authorization: `Bearer ${token}` }))
          const acceptable =
            header.alg === 'RS256' &&
            (header.kid === undefined || header.kid === issuer.key.kid) &&
            header.crit === undefined &&
            // RFC 7515 §4.1.9: a typ, when present, is a string (`"typ": 0` is refused).
            (header.typ === undefined ||
              (typeof header.typ === 'string' &&
                ['at+jwt', 'application/at+jwt', 'jwt', 'application/jwt'].includes(
                  header.typ.toLowerCase(),
                )))
          if (outcome.ok) expect(acceptable, JSON.stringify(header)).toBe(true)
          else expectCleanRefusal(outcome.error, [401])
        }),
        fuzzParams(150),
      )
    },
    FUZZ_TIMEOUT,
  )
})

// Claim validation: each claim is drawn from values labelled good or bad; a token is accepted
// exactly when every label is good (RFC 7519 §4.1: exp, nbf, aud; iat carries no rule here).
type Labelled = { value: unknown; good: boolean }
const good = (...values: unknown[]): Labelled[] => values.map((value) => ({ value, good: true }))
const bad = (...values: unknown[]): Labelled[] => values.map((value) => ({ value, good: false }))
const ABSENT = Symbol('absent')

const CLAIMS = {
  exp: [
    ...good(now + 300, 1e308),
    ...bad(ABSENT, String(now + 300), null, now - 600, true, [now + 300], {}),
  ],
  nbf: [...good(ABSENT, now - 10, 0, -1e9), ...bad(now + 600, '0', null, [], true)],
  iat: [...good(ABSENT, now, now + 9999, 'yesterday', null, {}, -1)],
  aud: [
    ...good(DEFAULT_RESOURCE, [DEFAULT_RESOURCE], ['x', DEFAULT_RESOURCE]),
    ...bad(
      ABSENT,
      'https://other.example.test',
      [],
      [[DEFAULT_RESOURCE]],
      null,
      42,
      { aud: DEFAULT_RESOURCE },
      `${DEFAULT_RESOURCE}/`,
    ),
  ],
  sub: [...good('task-service', 42), ...bad(ABSENT, '', {}, null, 1.5)],
} as const
// Scopes: [scope, scp] and the set the principal must end up with (`scope` wins when present).
const SCOPES: Array<[unknown, unknown, string[]]> = [
  ['event.view', ABSENT, ['event.view']],
  ['  a  b ', ABSENT, ['a', 'b']],
  [42, 'x', []],
  [['a', 'b'], ABSENT, ['a', 'b']],
  [null, 'x', []],
  [ABSENT, ['a', 1, null, 'b'], ['a', 'b']],
  [ABSENT, 'x y', ['x', 'y']],
  [ABSENT, { x: 1 }, []],
  [ABSENT, ABSENT, []],
]

describe('fuzz: claim validation', () => {
  it(
    'exp, nbf, iat, aud, sub, scope and scp of any type: accepted exactly when all are valid',
    async () => {
      const key = createPrivateKey({ key: issuer.key.privateJwk as never, format: 'jwk' })
      // Mostly good values, so that about half the tokens are valid and both sides are seen.
      const pick = (list: readonly Labelled[]): fc.Arbitrary<Labelled> => {
        const goods = list.filter((l) => l.good)
        const bads = list.filter((l) => !l.good)
        if (bads.length === 0) return fc.constantFrom(...goods)
        return fc.oneof(
          { arbitrary: fc.constantFrom(...goods), weight: 5 },
          { arbitrary: fc.constantFrom(...bads), weight: 1 },
        )
      }
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            exp: pick(CLAIMS.exp),
            nbf: pick(CLAIMS.nbf),
            iat: pick(CLAIMS.iat),
            aud: pick(CLAIMS.aud),
            sub: pick(CLAIMS.sub),
          }),
          fc.constantFrom(...SCOPES),
          async (drawn, [scope, scp, scopes]) => {
            const claims: Record<string, unknown> = { iss: issuer.issuer }
            for (const [name, { value }] of Object.entries(drawn)) {
              if (value !== ABSENT) claims[name] = value
            }
            if (scope !== ABSENT) claims.scope = scope
            if (scp !== ABSENT) claims.scp = scp
            const token = rsaToken(
              { alg: 'RS256', typ: 'at+jwt', kid: issuer.key.kid },
              claims,
              key,
            )
            const outcome = await settle(auth.authenticate({ authorization: `Bearer ${token}` }))
            const valid = Object.values(drawn).every((d) => d.good)
            expect(outcome.ok, JSON.stringify(claims)).toBe(valid)
            if (outcome.ok) expect([...outcome.value.scopes].sort()).toEqual(scopes)
            else expectCleanRefusal(outcome.error, [401])
          },
        ),
        fuzzParams(250),
      )
    },
    FUZZ_TIMEOUT,
  )
})
