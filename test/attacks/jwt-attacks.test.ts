import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, type Authenticator } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RunningApp } from '../support/apps.js'
import { attackerCertificate } from '../support/forge.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { startJwksServer, type JwksServer } from '../support/jwks-server.js'
import { createTestKey } from '../support/keys.js'
import { findLeak } from '../support/leaks.js'
import { parseChallenges } from '../support/rfc7235.js'
import {
  ATTACKS,
  claimsOf,
  type AttackContext,
  type Attack,
  type Target,
} from './jwt-attack-cases.js'

/**
 * The JWT attack catalogue (PortSwigger Web Security Academy's JWT labs, CVE-2022-21449) on
 * every adapter. Each case first sends its control — the same claims, honestly signed — and
 * sees 200, then the forged token and sees 401 invalid_token with the description of the
 * defence that stopped it: so no case can pass because its claims were wrong.
 */
const EC_ISSUER = 'https://ec-issuer.example.test/'
const HMAC_SECRET = 'a-strong-shared-secret-for-hs256-0123456789'

let issuer: TestIssuer
let ecJwks: JwksServer
let attackerServer: Server
let attackerHits = 0
let ctx: AttackContext
const authenticators = {} as Record<Target, Authenticator>

beforeAll(async () => {
  issuer = await startIssuer()
  const ecKeys = {
    ES256: await createTestKey('ES256'),
    ES384: await createTestKey('ES384'),
    ES512: await createTestKey('ES512'),
  }
  ecJwks = await startJwksServer(Object.values(ecKeys).map((k) => k.publicJwk))
  const attacker = await createTestKey('RS256')
  attackerServer = createServer((req, res) => {
    attackerHits++
    if (req.url === '/cert.pem') res.end(attackerCertificate().pem)
    else
      res
        .setHeader('content-type', 'application/json')
        .end(JSON.stringify({ keys: [attacker.publicJwk] }))
  })
  await new Promise<void>((r) => attackerServer.listen(0, '127.0.0.1', r))
  const attackerUrl = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}`
  const now = Math.floor(Date.now() / 1000)
  ctx = {
    claims: (target) => ({
      iss: target === 'ec' ? EC_ISSUER : issuer.issuer,
      aud: DEFAULT_RESOURCE,
      sub: 'task-service',
      client_id: 'task-service',
      scope: 'event.create event.view',
      iat: now,
      exp: now + 600,
    }),
    issued: await issuer.token('task-service', { scope: 'event.create event.view' }),
    issuerKey: issuer.key,
    attacker,
    attackerJwksUrl: `${attackerUrl}/jwks`,
    attackerCertUrl: `${attackerUrl}/cert.pem`,
    ecKeys,
    hmacSecret: HMAC_SECRET,
  }
  const base = { issuer: issuer.issuer, audience: DEFAULT_RESOURCE }
  authenticators.main = createAuthenticator({ bearer: base })
  authenticators.hmac = createAuthenticator({
    bearer: { ...base, algorithms: ['RS256', 'HS256'], secret: HMAC_SECRET },
  })
  authenticators.ec = createAuthenticator({
    bearer: {
      issuer: EC_ISSUER,
      audience: DEFAULT_RESOURCE,
      jwksUri: ecJwks.url,
      algorithms: ['ES256', 'ES384', 'ES512'],
    },
  })
})

afterAll(async () => {
  await Promise.all([
    issuer?.close(),
    ecJwks?.close(),
    new Promise((r) => attackerServer?.close(r)),
  ])
})

describe('the forged tokens are otherwise well-formed', () => {
  it.each(ATTACKS.map((a) => [a.name, a] as const))('%s', (_name, attack: Attack) => {
    const token = attack.forge(ctx)
    expect(token.split('.')).toHaveLength(3)
    const claims = claimsOf(token)
    expect(claims).toMatchObject({
      iss: ctx.claims(attack.target).iss,
      aud: DEFAULT_RESOURCE,
      sub: expect.any(String) as unknown,
    })
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000 + 60)
  })
})

describe.each(ADAPTERS)('%s adapter refuses every JWT attack', (adapter) => {
  const apps = {} as Record<Target, RunningApp>
  beforeAll(async () => {
    for (const target of ['main', 'hmac', 'ec'] as const) {
      const auth = authenticators[target]
      apps[target] = await startApp(adapter, { main: auth, down: auth })
    }
  })
  afterAll(() => Promise.all(Object.values(apps).map((a) => a.close())))

  it.each(ATTACKS.map((a) => [a.name, a] as const))('%s', async (_name, attack: Attack) => {
    const url = `${apps[attack.target].url}/events`
    const control = await send(url, {
      headers: { authorization: `Bearer ${await attack.control(ctx)}` },
    })
    expect(control.status, 'the honest twin is accepted').toBe(200)

    const forged = attack.forge(ctx)
    const res = await send(url, { headers: { authorization: `Bearer ${forged}` } })
    expect(res.status).toBe(401)
    const [bearer] = parseChallenges(String(res.headers['www-authenticate']))
    expect(bearer).toEqual({
      scheme: 'Bearer',
      params: { realm: 'api', error: 'invalid_token', error_description: attack.description },
    })
    if (adapter === 'koa') expect(res.text).toBe(attack.description)
    else expect(res.json).toEqual({ error: 'invalid_token', error_description: attack.description })
    expect(findLeak(res.text + JSON.stringify(res.headers), [forged, HMAC_SECRET])).toBeUndefined()
  })

  it('never fetched a URL an attacker put in a token header', () => {
    expect(attackerHits).toBe(0)
  })
})
