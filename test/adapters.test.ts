import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, type Authenticator } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RunningApp } from './support/apps.js'
import { BEARER_CASES, type RequestCase } from './support/cases.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from './support/issuer.js'
import { startProxy, type FaultProxy } from './support/proxy.js'
import { mintTokens, type TokenSet } from './support/tokens.js'

let issuer: TestIssuer
let foreign: TestIssuer
let deadProxy: FaultProxy
let tokens: TokenSet
let main: Authenticator
let down: Authenticator

beforeAll(async () => {
  issuer = await startIssuer()
  foreign = await startIssuer()
  deadProxy = await startProxy()
  deadProxy.mode = 'down'
  tokens = await mintTokens(issuer, foreign, DEFAULT_RESOURCE)
  main = createAuthenticator({ bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE } })
  down = createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE, jwksUri: `${deadProxy.url}/jwks` },
  })
})

afterAll(async () => {
  await Promise.all([issuer?.close(), foreign?.close(), deadProxy?.close(), tokens?.close()])
})

describe.each(ADAPTERS)('%s adapter', (adapter) => {
  let app: RunningApp
  beforeAll(async () => {
    app = await startApp(adapter, { main, down })
  })
  afterAll(() => app?.close())

  it.each(BEARER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c: RequestCase) => {
    const res = await send(app.url + c.path, { method: c.method, headers: c.headers(tokens) })
    expect(res.status).toBe(c.status)
    expect(res.headers['www-authenticate']).toBe(c.challenge)
    if (c.principal) {
      expect(res.json).toEqual(c.principal)
      return
    }
    if (adapter === 'koa') {
      expect(res.text).toBe(c.description) // Koa's own onerror: exposed message as text
    } else {
      expect(res.json).toEqual({ error: c.error, error_description: c.description })
    }
    if (c.retryAfter) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    else expect(res.headers['retry-after']).toBeUndefined()
    // Nothing leaks: no token material, no stack.
    expect(res.text).not.toMatch(/eyJ|\bat \w+ \(|Error:/)
  })

  it('never contacts a URL named in a token header', () => {
    expect(tokens.attackerHits()).toBe(0)
  })

  it('never asks the untrusted issuer for keys', () => {
    expect(foreign.proxy.hitsFor('/jwks')).toBe(0)
    expect(foreign.proxy.hitsFor('/.well-known/openid-configuration')).toBe(0)
  })
})
