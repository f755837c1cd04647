import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, calculateJwkThumbprint } from 'jose'
import { createAuthenticator, type Authenticator, type BearerIssuerOptions } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RawResponse, type RunningApp } from './support/apps.js'
import { createProofKey, signProof } from './support/dpop-proofs.js'
import { startJwksServer, type JwksServer } from './support/jwks-server.js'
import { createTestKey, type TestKey } from './support/keys.js'
import { startHttpsApp, sendTls } from './support/mtls-apps.js'
import { createTestPki, type TestPki } from './support/mtls-certs.js'
import {
  MTLS_CASES,
  clientCertHeader,
  xfccHeader,
  type HeaderSource,
  type MtlsContext,
} from './support/mtls-cases.js'

// RFC 8705 §3: certificate-bound tokens, minted with a test key and served from a loopback
// JWKS (oidc-provider's mTLS feature would need its own TLS front; the binding is the same claim).
const ISSUER = 'https://idp.example.test/'
const AUDIENCE = 'https://calendar.example.test'
let pki: TestPki
let key: TestKey
let jwks: JwksServer
let bound: string
let plain: string

type Mtls = BearerIssuerOptions['mtls']

function authenticator(mtls?: Mtls): Authenticator {
  return createAuthenticator({
    bearer: { issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.url, ...(mtls && { mtls }) },
  })
}

function mint(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({
    sub: 'task-service',
    client_id: 'task-service',
    scope: 'event.view',
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey)
}

beforeAll(async () => {
  pki = await createTestPki()
  key = await createTestKey('ES256')
  jwks = await startJwksServer([key.publicJwk])
  bound = await mint({ cnf: { 'x5t#S256': pki.a.thumbprint } })
  plain = await mint()
})
afterAll(async () => {
  await jwks?.close()
  await pki?.close()
})

function expectOutcome(res: RawResponse, c: { status: number; challenge?: string }): void {
  expect(res.status).toBe(c.status)
  expect(res.headers['www-authenticate']).toBe(c.challenge)
  if (c.status === 200)
    expect(res.json).toMatchObject({ scheme: 'bearer', subject: 'task-service' })
  // Nothing leaks: no token, no certificate, no stack.
  expect(res.text).not.toMatch(/eyJ|BEGIN|MII|\bat \w+ \(|Error:/)
}

describe.each(ADAPTERS)('%s adapter, certificate from a proxy header', (adapter) => {
  const apps = {} as Record<HeaderSource | 'none', RunningApp>
  beforeAll(async () => {
    for (const name of ['client-cert', 'xfcc', 'none'] as const) {
      const main = authenticator(name === 'none' ? undefined : { certificate: name })
      apps[name] = await startApp(adapter, { main, down: main })
    }
  })
  afterAll(() => Promise.all(Object.values(apps).map((app) => app.close())))

  describe.each(['client-cert', 'xfcc'] as const)('source %s', (source) => {
    it.each(MTLS_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const url = apps[c.app ?? source].url
      const ctx: MtlsContext = {
        bound,
        plain,
        a: pki.a,
        b: pki.b,
        send: (headers) => send(`${url}/events`, { headers }),
      }
      const challenge = typeof c.challenge === 'function' ? c.challenge(source) : c.challenge
      expectOutcome(await c.run(ctx, source), { status: c.status, challenge })
    })
  })
})

describe.each(ADAPTERS)('%s adapter, certificate from the TLS handshake', (adapter) => {
  let app: RunningApp
  beforeAll(async () => {
    app = await startHttpsApp(adapter, authenticator({ certificate: 'tls' }), pki)
  })
  afterAll(() => app?.close())
  const get = (token: string, client?: 'a' | 'b', headers: Record<string, string> = {}) =>
    sendTls(`${app.url}/events`, pki.ca, { authorization: `Bearer ${token}`, ...headers },
      client && pki[client]) // prettier-ignore
  const refusal = (description: string): { status: number; challenge: string } => ({
    status: 401,
    challenge: `Bearer realm="api", error="invalid_token", error_description="${description}"`,
  })

  it('accepts a bound token from the client holding its certificate', async () => {
    expectOutcome(await get(bound, 'a'), { status: 200 })
  })
  it('refuses a bound token from a client with another certificate (401 invalid_token)', async () => {
    expectOutcome(
      await get(bound, 'b'),
      refusal('the token is bound to another client certificate'),
    )
  })
  it('refuses a bound token from a client that presented no certificate (401 invalid_token)', async () => {
    expectOutcome(await get(bound), refusal('no client certificate was presented'))
  })
  it('ignores certificate headers: only the handshake counts', async () => {
    const headers = {
      'client-cert': clientCertHeader(pki.a),
      'x-forwarded-client-cert': xfccHeader(pki.a),
    }
    expectOutcome(
      await get(bound, 'b', headers),
      refusal('the token is bound to another client certificate'),
    )
  })
  it('accepts an unbound token with or without a client certificate', async () => {
    expectOutcome(await get(plain), { status: 200 })
    expectOutcome(await get(plain, 'b'), { status: 200 })
  })
})

describe('certificate sources in core', () => {
  const call = (auth: Authenticator, headers: Record<string, string | string[]>, token = bound) =>
    auth.authenticate({ authorization: `Bearer ${token}`, headers })

  it('accepts an xfcc element carrying only Hash, and compares that hash', async () => {
    const auth = authenticator({ certificate: 'xfcc' })
    const only = (c: typeof pki.a) => ({
      'x-forwarded-client-cert': xfccHeader(c, { cert: false }),
    })
    await expect(call(auth, only(pki.a))).resolves.toMatchObject({ subject: 'task-service' })
    await expect(call(auth, only(pki.b))).rejects.toMatchObject({
      status: 401,
      description: 'the token is bound to another client certificate',
    })
  })

  it('uses the xfcc Cert over its Hash when both are present', async () => {
    const auth = authenticator({ certificate: 'xfcc' })
    const mixed = xfccHeader(pki.b).replace(
      /Hash=\w+/,
      xfccHeader(pki.a, { cert: false }).split(';')[1]!,
    )
    await expect(call(auth, { 'x-forwarded-client-cert': mixed })).rejects.toMatchObject({
      status: 401,
      description: 'the token is bound to another client certificate',
    })
  })

  it('reads an empty xfcc Cert (nginx without a client certificate) as no certificate', async () => {
    const auth = authenticator({ certificate: 'xfcc' })
    await expect(call(auth, { 'x-forwarded-client-cert': 'Cert=""' })).rejects.toMatchObject({
      status: 401,
      description: 'no client certificate was presented',
    })
  })

  it('refuses an xfcc header with more than one element, or malformed (400)', async () => {
    const auth = authenticator({ certificate: 'xfcc' })
    for (const value of [
      `${xfccHeader(pki.b)},${xfccHeader(pki.a)}`,
      'Hash=nothex',
      'Cert="unclosed',
      'Cert="%E0%A4%A"',
      '',
    ]) {
      await expect(call(auth, { 'x-forwarded-client-cert': value })).rejects.toMatchObject({
        status: 400,
        error: 'invalid_request',
      })
    }
  })

  it('refuses a Client-Cert header that is not a structured-field byte sequence (400)', async () => {
    const auth = authenticator({ certificate: 'client-cert' })
    for (const value of [pki.a.der.toString('base64'), '::', ':not base64!:', pki.a.cert]) {
      await expect(call(auth, { 'client-cert': value })).rejects.toMatchObject({
        status: 400,
        error: 'invalid_request',
      })
    }
  })

  it('takes the certificate from a function as PEM, base64 DER or bytes', async () => {
    for (const value of [pki.a.cert, pki.a.der.toString('base64'), new Uint8Array(pki.a.der)]) {
      const auth = authenticator({ certificate: () => value })
      await expect(call(auth, {})).resolves.toMatchObject({ subject: 'task-service' })
    }
    const none = authenticator({ certificate: () => undefined })
    await expect(call(none, {})).rejects.toMatchObject({
      description: 'no client certificate was presented',
    })
    await expect(call(none, {}, plain)).resolves.toMatchObject({ subject: 'task-service' })
  })

  it('refuses a token whose cnf x5t#S256 is not a non-empty string, instead of accepting it unbound', async () => {
    for (const x5t of [42, '', null]) {
      const token = await mint({ cnf: { 'x5t#S256': x5t } })
      for (const auth of [authenticator(), authenticator({ certificate: () => pki.a.cert })]) {
        await expect(call(auth, {}, token)).rejects.toMatchObject({
          status: 401,
          code: 'ERR_TOKEN_BINDING',
          description: 'the token cnf["x5t#S256"] is malformed',
        })
      }
    }
  })

  it('checks the certificate of a DPoP-bound token that is certificate-bound too', async () => {
    const proofKey = await createProofKey()
    const jkt = await calculateJwkThumbprint(proofKey.publicJwk)
    const token = await mint({ cnf: { jkt, 'x5t#S256': pki.a.thumbprint } })
    const viaDpop = async (auth: Authenticator) =>
      auth.authenticate({
        authorization: `DPoP ${token}`,
        method: 'GET',
        url: '/events',
        headers: {
          host: 'calendar.example.test',
          dpop: await signProof(proofKey, {
            htm: 'GET',
            htu: 'http://calendar.example.test/events',
            token,
          }),
        },
      })
    const make = (mtls?: Mtls) =>
      createAuthenticator({
        bearer: {
          issuer: ISSUER,
          audience: AUDIENCE,
          jwksUri: jwks.url,
          dpop: {},
          ...(mtls && { mtls }),
        },
      })
    await expect(viaDpop(make({ certificate: () => pki.a.cert }))).resolves.toMatchObject({
      subject: 'task-service',
    })
    await expect(viaDpop(make({ certificate: () => pki.b.cert }))).rejects.toMatchObject({
      status: 401,
      description: 'the token is bound to another client certificate',
    })
    await expect(viaDpop(make())).rejects.toMatchObject({
      status: 401,
      code: 'ERR_TOKEN_BINDING',
    })
  })

  it('validates the mtls option at construction, naming it', () => {
    for (const mtls of [{ certificate: 'pem' }, { certificate: undefined }, 'tls', null]) {
      const options = { issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.url, mtls }
      expect(() => createAuthenticator({ bearer: options as never })).toThrow(
        /"bearer\.mtls(\.certificate)?" must be/,
      )
    }
  })
})
