import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient, memoryStore, type TokenClientOptions } from '@m2m-auth/core'
import {
  createCertificates,
  startTlsServer,
  type Certificates,
  type Pair,
  type Seen,
  type TlsServer,
} from './tls-fixture.js'

// RFC 8705 against real TLS: a throwaway CA and loopback HTTPS servers (see tls-fixture.ts).

let certs: Certificates
let ca: string
let client: Pair
let other: Pair
let selfSigned: Pair
let renewed: Pair
let issued = 0
let issuer: TlsServer
let api: TlsServer

const tokenAnswer = (seen: Seen, base: string): { status: number; json: unknown } =>
  seen.path === '/.well-known/openid-configuration'
    ? {
        status: 200,
        json: {
          issuer: base,
          token_endpoint: `${base}/token`,
          // RFC 8705 §5: the endpoint that asks for certificates lives under another name.
          mtls_endpoint_aliases: { token_endpoint: `${base}/mtls/token` },
        },
      }
    : {
        status: 200,
        json: { access_token: `opaque-at-${++issued}`, token_type: 'Bearer', expires_in: 300 },
      }

beforeAll(async () => {
  certs = createCertificates()
  ;({ ca, client, other, selfSigned, renewed } = certs)
  const accepted = [client.thumbprint, selfSigned.thumbprint, renewed.thumbprint]
  issuer = await startTlsServer(certs, accepted, tokenAnswer)
  api = await startTlsServer(certs, accepted, (seen) => ({
    status: seen.authorization?.startsWith('Bearer opaque-at-') === true ? 200 : 401,
    json: { thumbprint: seen.thumbprint },
  }))
})

afterAll(async () => {
  await Promise.all([issuer?.close(), api?.close()])
  certs?.remove()
})

function tlsClient(pair: Pair = client, more: Partial<TokenClientOptions> = {}) {
  return createTokenClient({
    tokenEndpoint: `${issuer.url}/token`,
    clientId: 'client-1',
    authMethod: 'tls_client_auth',
    mtls: { key: pair.key, cert: pair.cert, ca },
    ...more,
  } as TokenClientOptions)
}

describe('outbound mTLS (RFC 8705)', () => {
  it('tls_client_auth gets a token with the client certificate and no secret (§2.1)', async () => {
    issuer.seen.length = 0
    await expect(tlsClient().getToken()).resolves.toMatch(/^opaque-at-\d+$/)
    const [request] = issuer.seen
    expect(request?.thumbprint).toBe(client.thumbprint)
    expect(request?.authorization).toBeUndefined()
    const form = new URLSearchParams(request?.body)
    expect(form.get('client_id')).toBe('client-1')
    expect(form.get('grant_type')).toBe('client_credentials')
    expect(form.has('client_secret')).toBe(false)
  })

  it('self_signed_tls_client_auth presents a self-signed certificate (§2.2)', async () => {
    issuer.seen.length = 0
    await expect(
      tlsClient(selfSigned, { authMethod: 'self_signed_tls_client_auth' }).getToken(),
    ).resolves.toMatch(/^opaque-at-\d+$/)
    expect(issuer.seen[0]?.thumbprint).toBe(selfSigned.thumbprint)
  })

  it('client.fetch() presents the certificate to the resource server on every request (§3)', async () => {
    api.seen.length = 0
    const tokens = tlsClient()
    const first = await tokens.fetch(`${api.url}/orders`)
    const second = await tokens.fetch(
      new Request(`${api.url}/orders/2`, { method: 'POST', body: '{}' }),
    )
    expect(first.status).toBe(200)
    expect(second.status).toBe(200)
    expect(await first.json()).toEqual({ thumbprint: client.thumbprint })
    expect(api.seen.map((seen) => seen.thumbprint)).toEqual([client.thumbprint, client.thumbprint])
  })

  it("sends the token request to the issuer's mtls_endpoint_aliases token endpoint (§5)", async () => {
    issuer.seen.length = 0
    const tokens = tlsClient(client, { tokenEndpoint: undefined, issuer: issuer.url })
    await expect(tokens.getToken()).resolves.toMatch(/^opaque-at-\d+$/)
    expect(issuer.seen.map((seen) => seen.path)).toEqual([
      '/.well-known/openid-configuration',
      '/mtls/token',
    ])
  })

  it('a client without mtls is refused by the token endpoint and the API', async () => {
    // Trusts the test CA, presents no certificate.
    const agent = new Agent({ connect: { ca } })
    const fetch = ((input: string | URL | Request, init?: RequestInit) =>
      globalThis.fetch(input, {
        ...init,
        dispatcher: agent,
      } as unknown as RequestInit)) as typeof globalThis.fetch
    try {
      const plain = createTokenClient({
        tokenEndpoint: `${issuer.url}/token`,
        clientId: 'client-1',
        clientSecret: 'not-the-credential-here',
        fetch,
        retry: { retries: 0 },
      })
      await expect(plain.getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_REJECTED' })
      expect((await fetch(`${api.url}/orders`)).status).toBe(401)
    } finally {
      await agent.close()
    }
  })

  it('shares tokens through the store only between clients with the same certificate', async () => {
    issuer.seen.length = 0
    const store = memoryStore()
    const first = await tlsClient(client, { store }).getToken()
    // Another replica, same certificate: the shared token, no second request.
    await expect(tlsClient(client, { store }).getToken()).resolves.toBe(first)
    // Same key, renewed certificate: a token bound to the old one would be refused (§3).
    await expect(tlsClient(renewed, { store }).getToken()).resolves.not.toBe(first)
    expect(issuer.seen.map((seen) => seen.thumbprint)).toEqual([
      client.thumbprint,
      renewed.thumbprint,
    ])
  })

  it('a certificate the issuer does not know is refused', async () => {
    const tokens = tlsClient(other, { retry: { retries: 0 } })
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_REJECTED' })
  })
})

describe('mtls options', () => {
  const base = { tokenEndpoint: 'https://issuer.test/token', clientId: 'client-1' }
  const garbageKey =
    '-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL0123456789==\n-----END PRIVATE KEY-----\n'
  const cases: ReadonlyArray<[string, () => Record<string, unknown>, RegExp]> = [
    [
      '"mtls" not an object',
      () => ({ authMethod: 'tls_client_auth', mtls: 'pem' }),
      /"mtls" must be an object/,
    ],
    [
      'a missing key',
      () => ({ authMethod: 'tls_client_auth', mtls: { cert: client.cert } }),
      /"mtls\.key" must be a PEM private key/,
    ],
    [
      'a key PEM that does not parse',
      () => ({ authMethod: 'tls_client_auth', mtls: { key: garbageKey, cert: client.cert } }),
      /"mtls\.key" is not a usable PEM private key/,
    ],
    [
      'a certificate that does not parse',
      () => ({
        authMethod: 'tls_client_auth',
        mtls: { key: client.key, cert: 'not a certificate' },
      }),
      /"mtls\.cert" is not a PEM certificate/,
    ],
    [
      'a key of another certificate',
      () => ({ authMethod: 'tls_client_auth', mtls: { key: other.key, cert: client.cert } }),
      /"mtls\.key" is not the private key of "mtls\.cert"/,
    ],
    [
      'a CA that does not parse',
      () => ({
        authMethod: 'tls_client_auth',
        mtls: { key: client.key, cert: client.cert, ca: ['x'] },
      }),
      /"mtls\.ca" is not a PEM certificate/,
    ],
    [
      'tls_client_auth without mtls',
      () => ({ authMethod: 'tls_client_auth' }),
      /"mtls" is required with "authMethod": "tls_client_auth"/,
    ],
    [
      'tls_client_auth with a secret too',
      () => ({
        authMethod: 'tls_client_auth',
        clientSecret: 'abcdefgh',
        mtls: { key: client.key, cert: client.cert },
      }),
      /"clientSecret" and "privateKey" are not used/,
    ],
    [
      'an unknown mtls option',
      () => ({
        authMethod: 'tls_client_auth',
        mtls: { key: client.key, cert: client.cert, pfx: 'x' },
      }),
      /mtls\.pfx/,
    ],
  ]

  it.each(cases)('%s is a TypeError naming the option, without the key', (_, options, message) => {
    let thrown: unknown
    try {
      createTokenClient({ ...base, ...options() } as unknown as TokenClientOptions)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(TypeError)
    const text = (thrown as Error).message
    expect(text).toMatch(message)
    expect(text).not.toContain('TOPSECRETKEYMATERIAL')
    for (const line of [...client.key.split('\n'), ...other.key.split('\n')].filter(
      (l) => l.length > 20,
    ))
      expect(text).not.toContain(line)
  })

  it('mtls with a client secret binds tokens without changing client authentication', () => {
    expect(() =>
      createTokenClient({
        ...base,
        clientSecret: 'abcdefgh',
        mtls: { key: client.key, cert: client.cert },
      }),
    ).not.toThrow()
  })
})
