import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, memoryTillStore, type LegacyAuthEvent } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RawResponse, type RunningApp } from '../support/apps.js'
import {
  FUZZ_TIMEOUT,
  fuzzParams,
  mutatedArb,
  schemeArb,
  separatorArb,
  b64tokenArb,
  lengthArb,
} from '../support/fuzz.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { captureOutput, findLeak, responseText } from '../support/leaks.js'
import { startProxy, type FaultProxy } from '../support/proxy.js'
import { sendRaw } from '../support/raw-http.js'
import {
  basicAuth,
  md5,
  mintPosTokens,
  PASSWORDS,
  POS_CLIENTS,
  POS_RESOURCES,
  testTills,
  type PosTokens,
} from '../support/tills.js'

/**
 * Arbitrary Authorization values through each adapter's real HTTP server: never a 5xx, the
 * three adapters answer alike, and nothing sent comes back in a response or a log line.
 */
let issuer: TestIssuer
let dead: FaultProxy
let tokens: PosTokens
const apps = new Map<string, RunningApp>()
const events: LegacyAuthEvent[] = []
let output: ReturnType<typeof captureOutput>
const sent: string[] = []

beforeAll(async () => {
  issuer = await startIssuer({ clients: POS_CLIENTS, resources: POS_RESOURCES })
  dead = await startProxy()
  dead.mode = 'down'
  tokens = await mintPosTokens(issuer)
  const bearer = { issuer: issuer.issuer, audience: DEFAULT_RESOURCE }
  const main = createAuthenticator({ bearer })
  const down = createAuthenticator({ bearer: { ...bearer, jwksUri: `${dead.url}/jwks` } })
  const pos = createAuthenticator({
    bearer,
    basic: {
      tills: memoryTillStore(await testTills()),
      lockout: false,
      onLegacyAuth: (event) => void events.push(event),
    },
  })
  for (const adapter of ADAPTERS) apps.set(adapter, await startApp(adapter, { main, down, pos }))
  output = captureOutput()
})

afterAll(async () => {
  output?.stop()
  await Promise.all([...apps.values()].map((a) => a.close()))
  await Promise.all([issuer?.close(), dead?.close()])
})

const secrets = (): string[] => [
  tokens.gateway,
  tokens.reader,
  ...Object.values(PASSWORDS).flatMap((p) => [p, md5(p)]),
]

/** What a client can compare across adapters: status and challenge. */
const outcome = (res: RawResponse): object => ({
  status: res.status,
  challenge: res.headers['www-authenticate'],
})

// Values Node's HTTP client will send: HTAB, SP, VCHAR and obs-text (RFC 9110 §5.5).
const fieldText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\t', '\u00a0', '\u00ff', '\u0080'),
  ),
  maxLength: 60,
})

describe('fuzz: Authorization values through every adapter', () => {
  it(
    'any header value is answered without a 5xx, alike by all adapters, leaking nothing',
    async () => {
      const value = fc.oneof(
        fc
          .tuple(separatorArb, schemeArb, separatorArb, fc.oneof(b64tokenArb, fieldText))
          .map((p) => p.join('')),
        fieldText,
        fc
          .constantFrom('reader', 'gateway')
          .chain((k) => mutatedArb(tokens[k as 'reader']))
          .map((t) => `Bearer ${t}`),
        fc
          .constantFrom(...Object.keys(PASSWORDS))
          .map((id) => basicAuth(id, md5(PASSWORDS[id]!)).authorization!),
        fc
          .constantFrom(...Object.keys(PASSWORDS))
          .map((id) => basicAuth(id, PASSWORDS[id]!).authorization!),
        // Past Node's 16 KiB header limit the server answers 431 before any app code runs, and
        // Fastify's clientError handler then drops the kept-alive socket: those go raw, below.
        lengthArb.filter((t) => t.length < 15_000).map((t) => `Bearer ${t}`),
      )
      // What Node's HTTP client will put on the wire; other bytes go raw, in the next test.
      const sendable = value.filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v))
      const path = fc.constantFrom('/events', '/stock', '/optional', '/any')
      await fc.assert(
        fc.asyncProperty(sendable, path, async (authorization, route) => {
          sent.push(authorization)
          const answers = await Promise.all(
            ADAPTERS.map((a) => send(apps.get(a)!.url + route, { headers: { authorization } })),
          )
          for (const res of answers) {
            expect(res.status, authorization).toBeLessThan(500)
            expect([200, 400, 401, 403, 431]).toContain(res.status)
            expect(findLeak(responseText(res), [authorization, ...secrets()])).toBeUndefined()
          }
          expect(outcome(answers[1]!)).toEqual(outcome(answers[0]!))
          expect(outcome(answers[2]!)).toEqual(outcome(answers[0]!))
        }),
        fuzzParams(120),
      )
    },
    FUZZ_TIMEOUT,
  )

  it(
    'raw bytes in the Authorization value (CTLs, NUL, CR, LF, 8-bit) never get a 5xx',
    async () => {
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
        lengthArb.map((t) => Buffer.from(`Bearer ${t}`)),
        fc
          .tuple(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }))
          .map(([a, b]) =>
            Buffer.concat([Buffer.from(a), Buffer.from(`Bearer ${tokens.reader}`), Buffer.from(b)]),
          ),
      )
      await fc.assert(
        fc.asyncProperty(bytes, async (value) => {
          sent.push(value.toString('latin1'))
          for (const adapter of ADAPTERS) {
            const res = await sendRaw(apps.get(adapter)!.url, '/stock', value)
            expect(res.status, `${adapter}: ${value.toString('hex')}`).toBeLessThan(500)
            expect(findLeak(res.text, secrets())).toBeUndefined()
          }
        }),
        fuzzParams(60),
      )
    },
    FUZZ_TIMEOUT,
  )

  it('no log line and no legacy-auth event carried a token, a secret or an MD5', () => {
    const logged = [...output.lines, ...events.map((e) => JSON.stringify(e))].join('\n')
    const longSent = sent.filter((s) => s.length >= 16)
    expect(findLeak(logged, [...secrets(), ...longSent])).toBeUndefined()
  })
})
