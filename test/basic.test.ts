import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  memoryTillStore,
  type Authenticator,
  type LegacyAuthEvent,
  type TillRecord,
} from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RawResponse, type RunningApp } from './support/apps.js'
import { BASIC_CASES, DEPRECATION } from './support/basic-cases.js'
import type { RequestCase } from './support/cases.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from './support/issuer.js'
import {
  basicAuth,
  md5,
  mintPosTokens,
  PASSWORDS,
  POS_CLIENTS,
  POS_RESOURCES,
  testTills,
  type PosTokens,
} from './support/tills.js'

const COOL_DOWN_MS = 600

let issuer: TestIssuer
let tokens: PosTokens
let records: TillRecord[]

beforeAll(async () => {
  issuer = await startIssuer({ clients: POS_CLIENTS, resources: POS_RESOURCES })
  tokens = await mintPosTokens(issuer)
  records = await testTills()
})

afterAll(() => issuer?.close())

function posAuthenticator(events: LegacyAuthEvent[]): Authenticator {
  return createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    basic: {
      tills: memoryTillStore(records),
      mode: 'deprecate',
      deprecation: DEPRECATION,
      lockout: { maxFailures: 3, windowMs: 60_000, coolDownMs: COOL_DOWN_MS },
      onLegacyAuth: (event) => void events.push(event),
    },
    attribution: { scope: 'pos.attribute' },
  })
}

/** Everything but the Date header, which may tick between two requests. */
function comparable(res: RawResponse): object {
  const headers = { ...res.headers }
  delete headers.date
  return { status: res.status, headers, text: res.text }
}

describe.each(ADAPTERS)('%s adapter, POS tills', (adapter) => {
  let app: RunningApp
  const events: LegacyAuthEvent[] = []
  beforeAll(async () => {
    const main = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    app = await startApp(adapter, { main, down: main, pos: posAuthenticator(events) })
  })
  afterAll(() => app?.close())

  it.each(BASIC_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c: RequestCase<PosTokens>) => {
      const res = await send(app.url + c.path, { method: c.method, headers: c.headers(tokens) })
      expect(res.status).toBe(c.status)
      expect(res.headers['www-authenticate']).toBe(c.challenge)
      for (const [name, value] of Object.entries(c.responseHeaders ?? {})) {
        expect(res.headers[name], name).toBe(value)
      }
      // Nothing leaks: no token, no MD5 hex, no stack.
      expect(res.text).not.toMatch(/eyJ|[0-9a-f]{32}|\bat \w+ \(|Error:/)
      if (c.principal) {
        expect(res.json).toEqual(c.principal)
        return
      }
      if (adapter === 'koa') expect(res.text).toBe(c.description)
      else expect(res.json).toEqual({ error: c.error, error_description: c.description })
    },
  )

  it('answers an unknown till byte-for-byte like a wrong password', async () => {
    const wrong = await send(`${app.url}/stock`, {
      headers: basicAuth('T-103', md5('a wrong password')),
    })
    const unknown = await send(`${app.url}/stock`, {
      headers: basicAuth('T-NOBODY', md5('a wrong password')),
    })
    expect(wrong.status).toBe(401)
    expect(comparable(unknown)).toEqual(comparable(wrong))
  })

  it('locks a till out after 3 failures and releases it after the cool-down', async () => {
    const right = basicAuth('T-LOCK', md5(PASSWORDS['T-LOCK']!))
    for (let i = 0; i < 3; i++) {
      const res = await send(`${app.url}/stock`, {
        headers: basicAuth('T-LOCK', md5(`guess ${i}`)),
      })
      expect(res.status).toBe(401)
      expect(res.headers['retry-after']).toBeUndefined()
    }
    const locked = await send(`${app.url}/stock`, { headers: right })
    expect(locked.status).toBe(401)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    expect(locked.headers['www-authenticate']).toContain(
      'error_description="too many failed attempts for this till; try again later"',
    )
    await sleep(COOL_DOWN_MS + 100)
    const released = await send(`${app.url}/stock`, { headers: right })
    expect(released.status).toBe(200)
    expect(released.json).toMatchObject({ subject: 'till:T-LOCK' })
  })

  it('200 concurrent guesses for one till id: 3 are checked, the other 197 refused as locked', async () => {
    // A till of its own per adapter, so this burst counts on nobody else's lockout.
    const till = { express: 'T-BURST-E', koa: 'T-BURST-K', fastify: 'T-BURST-F' }[adapter]
    const guesses = Array.from({ length: 199 }, (_, i) => basicAuth(till, md5(`guess ${i}`)))
    const responses = await Promise.all(
      [...guesses, basicAuth(till, md5('one more'))].map((headers) =>
        send(`${app.url}/stock`, { headers }),
      ),
    )
    const checked = responses.filter((r) => !r.headers['www-authenticate']?.includes('too many'))
    expect(responses.every((r) => r.status === 401)).toBe(true)
    expect(checked).toHaveLength(3)
    expect(responses.filter((r) => Number(r.headers['retry-after']) > 0)).toHaveLength(197)
  })

  it('locks an unknown till id the same way, so lockout cannot enumerate tills', async () => {
    const ghost = (i: number): Promise<RawResponse> =>
      send(`${app.url}/stock`, { headers: basicAuth('T-GHOST', md5(`guess ${i}`)) })
    for (let i = 0; i < 3; i++) expect((await ghost(i)).status).toBe(401)
    const locked = await ghost(99)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    expect(locked.headers['www-authenticate']).toContain('too many failed attempts')
  })

  it('reports each Basic use to onLegacyAuth with till, store, method and path, never a secret', async () => {
    events.length = 0
    await send(`${app.url}/stock?from=till`, {
      headers: basicAuth('T-100', md5(PASSWORDS['T-100']!)),
    })
    await send(`${app.url}/stock`, { headers: basicAuth('T-WEAK', md5(PASSWORDS['T-WEAK']!)) })
    await send(`${app.url}/stock`, { headers: { authorization: `Bearer ${tokens.gateway}` } })
    expect(events).toEqual([
      { tillId: 'T-100', store: 'S-1', method: 'GET', path: '/stock', weak: false },
      { tillId: 'T-WEAK', store: undefined, method: 'GET', path: '/stock', weak: true },
    ])
    expect(JSON.stringify(events)).not.toMatch(/[0-9a-f]{32}/)
  })
})

describe('till claims on bearer tokens', () => {
  it('reads the till from configurable claim names, so a migrated till keeps its principal.till', async () => {
    const authenticator = createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        tillClaims: { id: 'pos_till', store: 'pos_store' },
      },
      basic: { tills: memoryTillStore(records) },
    })
    const now = Math.floor(Date.now() / 1000)
    const token = await issuer.sign({
      iss: issuer.issuer,
      aud: DEFAULT_RESOURCE,
      sub: 'till-T-100',
      scope: 'stock.read',
      pos_till: 'T-100',
      pos_store: 'S-1',
      till_id: 'ignored',
      iat: now,
      exp: now + 60,
    })
    const viaBearer = await authenticator.authenticate({ authorization: `Bearer ${token}` })
    const viaBasic = await authenticator.authenticate(basicAuth('T-100', md5(PASSWORDS['T-100']!)))
    expect(viaBearer.till).toEqual({ id: 'T-100', store: 'S-1' })
    expect(viaBearer.till).toEqual(viaBasic.till)
    expect(viaBasic.subject).toBe('till:T-100')
  })
})
