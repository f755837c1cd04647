import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  memoryTillStore,
  type Authenticator,
  type AuthenticatorOptions,
} from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RawResponse, type RunningApp } from './support/apps.js'
import { startJwks, type LoopbackJwks } from './support/jwks-server.js'
import { basicAuth, md5, PASSWORDS, testTills } from './support/tills.js'

/**
 * A POS endpoint that has not started its OAuth migration runs Basic alone: no issuer is
 * configured, tills are accepted, and every 401 offers Basic only (RFC 7235 §4.1), so a
 * client is never told to try a scheme that would be refused.
 */
const BASIC_ONLY = 'Basic realm="pos", charset="UTF-8"'

let authenticator: Authenticator
let jwks: LoopbackJwks
let bearerToken: string

beforeAll(async () => {
  // No cast: a Basic-only configuration is one of the shapes AuthenticatorOptions allows.
  const options: AuthenticatorOptions = { basic: { tills: memoryTillStore(await testTills()) } }
  authenticator = createAuthenticator(options)
  // A well-signed token from an issuer the service never heard of: refused all the same.
  jwks = await startJwks()
  bearerToken = await jwks.sign({ iss: jwks.url, aud: 'https://stock.example.test', sub: 'x' })
})
afterAll(() => jwks?.close())

/** The error body as each adapter sends it: Koa's onerror sends the description as text. */
function description(res: RawResponse, adapter: string): string {
  return adapter === 'koa'
    ? res.text
    : (res.json as { error_description: string }).error_description
}

describe.each(ADAPTERS)('%s adapter, a Basic-only authenticator', (adapter) => {
  let app: RunningApp
  beforeAll(async () => {
    app = await startApp(adapter, {
      main: authenticator,
      down: authenticator,
      pos: authenticator,
    })
  })
  afterAll(() => app?.close())

  it('accepts a till over Basic', async () => {
    const res = await send(`${app.url}/stock`, {
      headers: basicAuth('T-100', md5(PASSWORDS['T-100']!)),
    })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({
      scheme: 'basic',
      subject: 'till:T-100',
      clientId: null,
      scopes: ['stock.read'],
      till: { id: 'T-100', store: 'S-1' },
    })
  })

  it('refuses a bearer token with 401 and a Basic challenge only', async () => {
    const res = await send(`${app.url}/stock`, {
      headers: { authorization: `Bearer ${bearerToken}` },
    })
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(BASIC_ONLY)
    expect(description(res, adapter)).toBe(
      'Bearer tokens are not accepted here (no token issuer is configured); use Basic',
    )
    expect(res.text).not.toContain(bearerToken)
  })

  it('answers a request without credentials with 401 and a Basic challenge only', async () => {
    const res = await send(`${app.url}/stock`)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(BASIC_ONLY)
  })

  it('answers a wrong till password with 401 and a Basic challenge only', async () => {
    const res = await send(`${app.url}/stock`, { headers: basicAuth('T-100', md5('wrong')) })
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe(BASIC_ONLY)
  })

  it('answers a till without the route scope with 403 and no Bearer challenge', async () => {
    const res = await send(`${app.url}/stock`, {
      headers: basicAuth('T-NOSCOPE', md5(PASSWORDS['T-NOSCOPE']!)),
    })
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toBeUndefined()
  })
})
