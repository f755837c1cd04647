import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import { createAuthenticator, createTokenClient, type TokenClient } from '@m2m-auth/core'
import type { RawResponse, RunningApp } from './support/apps.js'
import { sendTls, startHttpsApp } from './support/mtls-apps.js'
import { createTestPki, type TestPki } from './support/mtls-certs.js'
import {
  MTLS_CLIENT_ID,
  MTLS_RESOURCE,
  fetchTrusting,
  startMtlsIssuer,
  type MtlsIssuer,
} from './support/mtls-issuer.js'

// RFC 8705 end to end: oidc-provider authenticates the client by its certificate (§2.1) and
// binds the token to it itself (§3.1); our service checks the binding on its own handshake.
let pki: TestPki
let issuer: MtlsIssuer
let client: TokenClient
let bound: App
let unbound: App

interface App extends RunningApp {
  get(token: string, cert?: 'a' | 'b'): Promise<RawResponse>
}

async function startService(mtls: boolean): Promise<App> {
  const auth = createAuthenticator({
    bearer: {
      issuer: issuer.issuer,
      audience: MTLS_RESOURCE,
      fetch: fetchTrusting(pki.ca),
      ...(mtls && { mtls: { certificate: 'tls' as const } }),
    },
  })
  const app = await startHttpsApp('express', auth, pki)
  const get = (token: string, cert?: 'a' | 'b'): Promise<RawResponse> =>
    sendTls(`${app.url}/events`, pki.ca, { authorization: `Bearer ${token}` }, cert && pki[cert])
  return { ...app, get }
}

/** Our client, authenticating to the issuer with `cert` alone (RFC 8705 §2.1). */
function tokenClient(cert: 'a' | 'b'): TokenClient {
  return createTokenClient({
    issuer: issuer.issuer,
    clientId: MTLS_CLIENT_ID,
    authMethod: 'tls_client_auth',
    mtls: { key: pki[cert].key, cert: pki[cert].cert, ca: pki.ca },
    scope: 'event.view',
    resource: MTLS_RESOURCE,
  })
}

beforeAll(async () => {
  pki = await createTestPki()
  issuer = await startMtlsIssuer(pki)
  client = tokenClient('a')
  bound = await startService(true)
  unbound = await startService(false)
})
afterAll(async () => {
  await bound?.close()
  await unbound?.close()
  await issuer?.close()
  await pki?.close()
})

function expectInvalidToken(res: RawResponse, description: string): void {
  expect(res.status).toBe(401)
  expect(res.headers['www-authenticate']).toBe(
    `Bearer realm="api", error="invalid_token", error_description="${description}"`,
  )
  // Nothing leaks: no token, no certificate.
  expect(res.text).not.toMatch(/eyJ|BEGIN|MII/)
}

describe('oidc-provider with mTLS binds the token; our express service checks the binding', () => {
  it('gets a token bound by the issuer to the client certificate (cnf x5t#S256)', async () => {
    const claims = decodeJwt(await client.getToken())
    expect(claims.client_id).toBe(MTLS_CLIENT_ID)
    expect(claims.aud).toBe(MTLS_RESOURCE)
    expect(claims.cnf).toEqual({ 'x5t#S256': pki.a.thumbprint })
  })

  it('is refused a token when presenting the other client certificate (invalid_client)', async () => {
    await expect(tokenClient('b').getToken()).rejects.toMatchObject({
      code: 'ERR_TOKEN_REJECTED',
      message: expect.stringMatching(/invalid_client/) as unknown,
    })
  })

  it('accepts the token through client.fetch(), which presents the bound certificate', async () => {
    const res = await client.fetch(`${bound.url}/events`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ scheme: 'bearer', clientId: MTLS_CLIENT_ID })
  })

  it('refuses the token presented with the other client certificate (401 invalid_token)', async () => {
    const accessToken = await client.getToken()
    expectInvalidToken(
      await bound.get(accessToken, 'b'),
      'the token is bound to another client certificate',
    )
  })

  it('refuses the token presented with no client certificate (401)', async () => {
    const accessToken = await client.getToken()
    expectInvalidToken(await bound.get(accessToken), 'no client certificate was presented')
  })

  it('refuses the bound token at a service without mtls, even with the right certificate', async () => {
    const accessToken = await client.getToken()
    expectInvalidToken(
      await unbound.get(accessToken, 'a'),
      'the token is bound to a client certificate (mTLS), which this service does not check',
    )
  })
})
