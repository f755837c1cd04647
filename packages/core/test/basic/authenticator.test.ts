import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  createScopeCheck,
  hashTillSecret,
  memoryTillStore,
  type AuthenticatorOptions,
  type BasicOptions,
  type TillRecord,
} from '@m2m-auth/core'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const BEARER = { issuer: 'https://idp.example.test/', audience: 'https://stock.example.test' }
const authorization = `Basic ${Buffer.from(`T-1:${md5('right')}`).toString('base64')}`

let records: TillRecord[]
beforeAll(async () => {
  records = [
    {
      tillId: 'T-1',
      secret: await hashTillSecret(md5('right'), { cost: { ln: 10 } }),
      scopes: ['stock.read'],
      store: 'S-1',
    },
  ]
})

function withBasic(basic: Partial<BasicOptions>, extra: Partial<AuthenticatorOptions> = {}) {
  return createAuthenticator({
    bearer: BEARER,
    basic: { tills: memoryTillStore(records), ...basic },
    ...extra,
  })
}

/** Collects what would have gone to Node's ServerResponse.setHeader. */
function headerSink(): { headers: Record<string, string>; setHeader(n: string, v: string): void } {
  const headers: Record<string, string> = {}
  return { headers, setHeader: (n, v) => void (headers[n] = v) }
}

describe('createAuthenticator with basic', () => {
  it('answers a till seen before synchronously, headers included, and a wrong secret never from the cache', async () => {
    const auth = withBasic({ mode: 'deprecate' })
    const first = auth.authenticateNow({ authorization })
    expect(first).toBeInstanceOf(Promise) // scrypt runs off the event loop
    const principal = await first
    for (let i = 0; i < 3; i++) {
      const sink = headerSink()
      expect(auth.authenticateNow({ authorization }, { response: sink })).toBe(principal)
      expect(sink.headers.Deprecation).toBeDefined()
    }
    const wrong = `Basic ${Buffer.from(`T-1:${md5('wrong')}`).toString('base64')}`
    const refused = auth.authenticateNow({ authorization: wrong })
    expect(refused).toBeInstanceOf(Promise) // verified with scrypt, like any unseen secret
    await expect(refused).rejects.toMatchObject({ status: 401 })
  })

  it('builds the till principal', async () => {
    const principal = await withBasic({}).authenticate({ authorization })
    expect(principal).toMatchObject({
      scheme: 'basic',
      subject: 'till:T-1',
      till: { id: 'T-1', store: 'S-1' },
    })
    expect([...principal.scopes]).toEqual(['stock.read'])
    expect(Object.isFrozen(principal)).toBe(true)
  })

  it("hides the principal's challenge slot, yet a 403 answers with its authenticator's realm", async () => {
    const principal = await withBasic({}, { realm: 'stock' }).authenticate({ authorization })
    // Nothing but the documented fields is visible, to reflection, JSON or a spread.
    expect(Reflect.ownKeys(principal).sort()).toEqual(
      ['claims', 'scheme', 'scopes', 'subject', 'till'].sort(),
    )
    const json = JSON.parse(JSON.stringify(principal)) as object
    expect(Object.keys(json).sort()).toEqual(
      ['claims', 'scheme', 'scopes', 'subject', 'till'].sort(),
    )
    const challenge = (who: object): string | undefined => {
      try {
        createScopeCheck('all', ['stock.write'])(who as typeof principal)
      } catch (caught) {
        const error = caught as { status: number; headers: Record<string, string> }
        expect(error.status).toBe(403)
        return error.headers['WWW-Authenticate']
      }
    }
    expect(challenge(principal)).toMatch(/^Bearer realm="stock", error="insufficient_scope"/)
    // A copy is another object and carries no slot, so it cannot answer with that realm.
    expect(challenge({ ...principal })).not.toContain('realm="stock"')
  })

  it('allow mode sends no deprecation headers; deprecate mode sends Deprecation, Sunset and Link', async () => {
    const allow = headerSink()
    await withBasic({ mode: 'allow' }).authenticate({ authorization }, { response: allow })
    expect(allow.headers).toEqual({})
    const deprecate = headerSink()
    const auth = withBasic({
      mode: 'deprecate',
      deprecation: {
        date: new Date('2026-03-01T00:00:00Z'),
        sunset: new Date('2026-12-31T23:59:59Z'),
        link: 'https://docs.example.test/pos',
      },
    })
    await auth.authenticate({ authorization }, { response: deprecate })
    expect(deprecate.headers).toEqual({
      Deprecation: '@1772323200',
      Sunset: 'Thu, 31 Dec 2026 23:59:59 GMT',
      Link: '<https://docs.example.test/pos>; rel="deprecation"; type="text/html"',
    })
  })

  it('deny mode refuses Basic and stops advertising it', async () => {
    const auth = withBasic({ mode: 'deny' })
    expect(auth.challenge.basicRealm).toBeUndefined()
    const error = await auth.authenticate({ authorization }).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 401, code: 'ERR_SCHEME_DISABLED' })
    expect((error as { headers: object }).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api"',
    })
  })

  it('offers both challenges when Basic is on', async () => {
    const error = await withBasic({ realm: 'tills' })
      .authenticate({})
      .catch((e: unknown) => e)
    expect((error as { headers: object }).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", Basic realm="tills", charset="UTF-8"',
    })
  })

  it('refuses Basic where it is not configured', async () => {
    const auth = createAuthenticator({ bearer: BEARER })
    await expect(auth.authenticate({ authorization })).rejects.toMatchObject({
      status: 401,
      code: 'ERR_SCHEME_DISABLED',
    })
  })

  it('a throwing or rejecting onLegacyAuth hook does not fail the request', async () => {
    const throwing = withBasic({
      onLegacyAuth: () => {
        throw new Error('observer bug')
      },
    })
    await expect(throwing.authenticate({ authorization })).resolves.toMatchObject({
      scheme: 'basic',
    })
    const rejecting = withBasic({ onLegacyAuth: () => Promise.reject(new Error('observer bug')) })
    await expect(rejecting.authenticate({ authorization })).resolves.toMatchObject({
      scheme: 'basic',
    })
  })

  it.each([
    [{ basic: { tills: {} } }, '"basic.tills"'],
    [{ basic: { tills: memoryTillStore([]), mode: 'maybe' } }, '"basic.mode"'],
    [{ basic: { tills: memoryTillStore([]), pepper: 'short' } }, '"basic.pepper"'],
    [{ basic: { tills: memoryTillStore([]), realm: '' } }, '"basic.realm"'],
    [
      { basic: { tills: memoryTillStore([]), lockout: { maxFailures: 0 } } },
      '"basic.lockout.maxFailures"',
    ],
    [{ basic: { tills: memoryTillStore([]), lockout: { store: {} } } }, '"basic.lockout.store"'],
    [{ store: { get: () => undefined } }, '"store"'],
    [{ basic: { tills: memoryTillStore([]), cache: { ttlMs: -1 } } }, '"basic.cache.ttlMs"'],
    [{ basic: { tills: memoryTillStore([]), onLegacyAuth: 'log' } }, '"basic.onLegacyAuth"'],
    [
      { basic: { tills: memoryTillStore([]), mode: 'deprecate', deprecation: { link: 'docs' } } },
      '"basic.deprecation.link"',
    ],
    [
      { basic: { tills: memoryTillStore([]), mode: 'deprecate', deprecation: { sunset: 'soon' } } },
      '"basic.deprecation.sunset"',
    ],
    [{ attribution: { scope: 'pos.attribute' } }, '"attribution.tills"'],
    [{ attribution: { scope: 'a b', tills: memoryTillStore([]) } }, '"attribution.scope"'],
    [
      { attribution: { scope: 'x', header: 'Authorization', tills: memoryTillStore([]) } },
      '"attribution.header"',
    ],
  ])('throws a TypeError naming the option: %j', (options, name) => {
    expect(() => createAuthenticator({ bearer: BEARER, ...(options as object) })).toThrow(TypeError)
    expect(() => createAuthenticator({ bearer: BEARER, ...(options as object) })).toThrow(name)
  })

  it('validates till records at construction, without quoting secrets', () => {
    expect(() => memoryTillStore([{ tillId: 'a:b', secret: 'x', scopes: [] }])).toThrow(
      '"records[0].tillId"',
    )
    expect(() =>
      memoryTillStore([{ tillId: 'T-1', secret: 'plaintext-secret', scopes: [] }]),
    ).toThrow(/"records\[0\]\.secret"(?!.*plaintext)/)
    expect(() =>
      memoryTillStore([{ tillId: 'T-1', secret: `md5:${'a'.repeat(32)}`, scopes: ['a b'] }]),
    ).toThrow('"records[0].scopes"')
  })

  it('never mutates its options', () => {
    const basic = Object.freeze({
      tills: memoryTillStore(records),
      mode: 'deprecate' as const,
      lockout: Object.freeze({ maxFailures: 3 }),
      deprecation: Object.freeze({ sunset: new Date('2027-01-01T00:00:00Z') }),
    })
    expect(() => createAuthenticator(Object.freeze({ bearer: BEARER, basic }))).not.toThrow()
  })
})
