import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportPKCS8 } from 'jose'
import { createAuthenticator, createTokenClient } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  createSignerClient,
  startIssuer,
  type TestIssuer,
} from '../../../../test/support/issuer.js'
import { createTestKey, type TestKey } from '../../../../test/support/keys.js'

const POST_SECRET = 'poster-secret-0123456789abcdef01234'
let issuer: TestIssuer
let signingKey: TestKey

beforeAll(async () => {
  const signer = await createSignerClient()
  signingKey = signer.key
  issuer = await startIssuer({
    clients: [
      ...DEFAULT_CLIENTS,
      {
        client_id: 'poster',
        client_secret: POST_SECRET,
        scope: 'event.create',
        token_endpoint_auth_method: 'client_secret_post',
      },
      signer.client,
    ],
  })
})
afterAll(() => issuer?.close())

/** Proves a token is real: the inbound verifier accepts it for the calendar audience. */
async function verify(token: string) {
  const authenticator = createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
  })
  return authenticator.authenticate({ authorization: `Bearer ${token}` })
}

describe('client authentication against oidc-provider', () => {
  it('client_secret_basic (the default)', async () => {
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'task-service',
      clientSecret: DEFAULT_CLIENTS[0]!.client_secret!,
      scope: 'event.create',
      resource: DEFAULT_RESOURCE,
    })
    const principal = await verify(await client.getToken())
    expect(principal.clientId).toBe('task-service')
    expect([...principal.scopes]).toEqual(['event.create'])
  })

  it('client_secret_post: the secret travels in the form body, not in Authorization', async () => {
    const sent: Array<{ authorization: string | null; body: string }> = []
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'poster',
      clientSecret: POST_SECRET,
      authMethod: 'client_secret_post',
      scope: 'event.create',
      resource: DEFAULT_RESOURCE,
      // The fetch seam records what went on the wire; the request still reaches the issuer.
      fetch: async (input, init) => {
        if (typeof input === 'string' && input.endsWith('/token'))
          sent.push({
            authorization: new Headers(init?.headers).get('authorization'),
            body:
              init?.body instanceof URLSearchParams
                ? init.body.toString()
                : String(init?.body as string),
          })
        return fetch(input, init)
      },
    })
    expect((await verify(await client.getToken())).clientId).toBe('poster')
    expect(sent).toHaveLength(1)
    expect(sent[0]!.authorization).toBeNull()
    const form = new URLSearchParams(sent[0]!.body)
    expect(form.get('client_id')).toBe('poster')
    expect(form.get('client_secret')).toBe(POST_SECRET)
    expect(form.get('grant_type')).toBe('client_credentials')
  })

  it('private_key_jwt with a private JWK (RFC 7523)', async () => {
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'signer',
      privateKey: signingKey.privateJwk,
      scope: 'event.create',
      resource: DEFAULT_RESOURCE,
    })
    const principal = await verify(await client.getToken())
    expect(principal.clientId).toBe('signer')
    expect(principal.scopes.has('event.create')).toBe(true)
  })

  it('private_key_jwt with a PKCS#8 PEM and an explicit kid', async () => {
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'signer',
      privateKey: await exportPKCS8(signingKey.privateKey),
      privateKeyId: signingKey.kid,
      privateKeyAlgorithm: 'ES256',
      resource: DEFAULT_RESOURCE,
    })
    expect((await verify(await client.getToken())).clientId).toBe('signer')
  })

  it('private_key_jwt signed with a key the issuer does not know is invalid_client', async () => {
    const stranger = await createTestKey('ES256')
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'signer',
      privateKey: { ...stranger.privateJwk, kid: signingKey.kid },
      resource: DEFAULT_RESOURCE,
    })
    await expect(client.getToken()).rejects.toMatchObject({
      code: 'ERR_TOKEN_REJECTED',
      oauthError: 'invalid_client',
    })
  })

  it('uses a configured token endpoint without discovery', async () => {
    const before = issuer.proxy.hitsFor('/.well-known/openid-configuration')
    const client = createTokenClient({
      tokenEndpoint: issuer.tokenEndpoint,
      clientId: 'task-service',
      clientSecret: DEFAULT_CLIENTS[0]!.client_secret!,
      resource: DEFAULT_RESOURCE,
    })
    const token = await client.getToken()
    expect(issuer.proxy.hitsFor('/.well-known/openid-configuration')).toBe(before)
    expect((await verify(token)).clientId).toBe('task-service')
  })

  it('falls back to RFC 8414 metadata when OpenID discovery is missing', async () => {
    issuer.proxy.script('/.well-known/openid-configuration', [{ status: 404 }])
    const before = issuer.proxy.hitsFor('/.well-known/oauth-authorization-server')
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'task-service',
      clientSecret: DEFAULT_CLIENTS[0]!.client_secret!,
      resource: DEFAULT_RESOURCE,
    })
    expect(await client.getToken()).toMatch(/^ey/)
    expect(issuer.proxy.hitsFor('/.well-known/oauth-authorization-server')).toBe(before + 1)
  })

  it('names a failed discovery clearly', async () => {
    issuer.proxy.script('/.well-known/openid-configuration', [{ status: 404 }])
    issuer.proxy.script('/.well-known/oauth-authorization-server', [{ status: 404 }])
    const client = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'task-service',
      clientSecret: DEFAULT_CLIENTS[0]!.client_secret!,
    })
    const error = await client.getToken().catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'ERR_DISCOVERY_FAILED' })
    expect((error as Error).message).toMatch(
      /^discovery failed: neither .* OpenID Connect Discovery nor RFC 8414/,
    )
  })
})
