import { afterEach, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { createTokenClient } from '@m2m-auth/core'
import { startLoopbackServer, type LoopbackServer, type Recorded } from './loopback-server.js'

const SECRET = 'loopback-secret-0123456789abcdef'
const servers: LoopbackServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function server(answer: Parameters<typeof startLoopbackServer>[0]) {
  const s = await startLoopbackServer(answer)
  servers.push(s)
  return s
}

const standard = (token = 'opaque-token-1', expires_in: unknown = 3600) => ({
  json: { access_token: token, token_type: 'Bearer', expires_in },
})
const form = (r: Recorded) => new URLSearchParams(r.body)
const secondsLeft = (date: Date) => Math.round((date.getTime() - Date.now()) / 1000)

describe('LoginRadius (JSON token endpoint)', () => {
  it('posts grant_type, client_id, client_secret and audience as JSON, reads expire_in', async () => {
    const lr = await server((r) => {
      const body = JSON.parse(r.body) as Record<string, string>
      if (body.client_secret !== SECRET)
        return {
          status: 401,
          json: {
            error: 'unauthorized_client',
            error_description: 'The client_secret is not valid',
          },
        }
      return { json: { access_token: 'lr-token', expire_in: '3600', token_type: 'Bearer' } }
    })
    const client = createTokenClient({
      preset: 'loginradius',
      issuer: lr.url,
      clientId: 'lr-client',
      clientSecret: SECRET,
      audience: 'https://api.loginradius.com/identity/v2/manage',
    })
    const token = await client.getAccessToken()
    expect(token.accessToken).toBe('lr-token')
    expect(secondsLeft(token.expiresAt)).toBeGreaterThan(3590)
    expect(token.headers).toEqual({ authorization: 'Bearer lr-token' })
    const [request] = lr.requests
    expect(request).toMatchObject({ method: 'POST', path: '/service/oauth/token' })
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.headers.authorization).toBeUndefined()
    expect(JSON.parse(request!.body)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'lr-client',
      client_secret: SECRET,
      audience: 'https://api.loginradius.com/identity/v2/manage',
    })
  })

  it('reports a refused secret as a rejected request, once, without the secret', async () => {
    const lr = await server(() => ({
      status: 401,
      json: { error: 'unauthorized_client', error_description: 'The client_secret is not valid' },
    }))
    const client = createTokenClient({
      preset: 'loginradius',
      issuer: lr.url,
      clientId: 'lr-client',
      clientSecret: SECRET,
      audience: 'https://api.example.test',
    })
    const error = await client.getToken().catch((e: Error) => e)
    expect(error).toMatchObject({
      code: 'ERR_TOKEN_REJECTED',
      oauthError: 'unauthorized_client',
    })
    expect((error as Error).message).toMatch(
      /HTTP 401: unauthorized_client \(The client_secret is not valid\)/,
    )
    expect(lr.requests).toHaveLength(1)
  })
})

describe('Capillary (JSON token endpoint, own header)', () => {
  it('posts { key, secret } to /v3/oauth/token/generate and sends X-CAP-API-OAUTH-TOKEN', async () => {
    const cap = await server((r) => {
      if (r.path === '/v3/oauth/token/generate') {
        const body = JSON.parse(r.body) as Record<string, string>
        if (body.key !== 'cap-key' || body.secret !== SECRET) return { status: 401, json: {} }
        return { json: { data: { accessToken: 'cap-token', ttlSeconds: 1800 } } }
      }
      const ok = r.headers['x-cap-api-oauth-token'] === 'cap-token'
      return { status: ok ? 200 : 401, json: { ok } }
    })
    const client = createTokenClient({
      preset: 'capillary',
      issuer: cap.url,
      clientId: 'cap-key',
      clientSecret: SECRET,
    })
    const token = await client.getAccessToken()
    expect(token.accessToken).toBe('cap-token')
    expect(secondsLeft(token.expiresAt)).toBeGreaterThan(1790)
    expect(JSON.parse(cap.requests[0]!.body)).toEqual({ key: 'cap-key', secret: SECRET })

    const response = await client.fetch(`${cap.url}/v2/customers/get`)
    expect(response.status).toBe(200)
    const apiCall = cap.requests[1]!
    expect(apiCall.headers['x-cap-api-oauth-token']).toBe('cap-token')
    expect(apiCall.headers.authorization).toBeUndefined()
  })

  it('refuses a Capillary answer without data.accessToken', async () => {
    const cap = await server(() => ({ json: { status: { code: 200 } } }))
    const client = createTokenClient({
      preset: 'capillary',
      issuer: cap.url,
      clientId: 'k',
      clientSecret: SECRET,
    })
    const error = await client.getToken().catch((e: Error) => e)
    expect(error).toMatchObject({
      code: 'ERR_TOKEN_RESPONSE_INVALID',
    })
    expect((error as Error).message).toContain('"data.accessToken"')
  })
})

describe('form-encoded presets', () => {
  it('auth0 sends the audience parameter with client_secret_post', async () => {
    const idp = await server(() => standard())
    const client = createTokenClient({
      preset: 'auth0',
      tokenEndpoint: `${idp.url}/oauth/token`,
      clientId: 'auth0-client',
      clientSecret: SECRET,
      audience: 'https://calendar.example.com',
      scope: 'event.create',
    })
    await client.getToken()
    const body = form(idp.requests[0]!)
    expect(body.get('audience')).toBe('https://calendar.example.com')
    expect(body.get('client_secret')).toBe(SECRET)
    expect(body.get('scope')).toBe('event.create')
    expect(body.get('grant_type')).toBe('client_credentials')
  })

  it('entra turns the audience into an <App ID URI>/.default scope', async () => {
    const idp = await server(() => standard())
    const client = createTokenClient({
      preset: 'entra',
      tokenEndpoint: `${idp.url}/tenant-id/oauth2/v2.0/token`,
      clientId: 'entra-client',
      clientSecret: SECRET,
      audience: 'api://calendar',
    })
    await client.getToken()
    const body = form(idp.requests[0]!)
    expect(body.get('scope')).toBe('api://calendar/.default')
    expect(body.has('audience')).toBe(false)
    expect(body.has('resource')).toBe(false)
  })

  it('generic sends the audience as an RFC 8707 resource, with Basic client authentication', async () => {
    const idp = await server(() => standard())
    const client = createTokenClient({
      tokenEndpoint: `${idp.url}/token`,
      clientId: 'generic-client',
      clientSecret: SECRET,
      audience: 'https://calendar.example.com',
      resource: ['https://files.example.com'],
      extraParams: { tenant: 'eu' },
    })
    await client.getToken()
    const request = idp.requests[0]!
    expect(form(request).getAll('resource').sort()).toEqual([
      'https://calendar.example.com',
      'https://files.example.com',
    ])
    expect(form(request).get('tenant')).toBe('eu')
    expect(form(request).has('client_secret')).toBe(false)
    expect(request.headers.authorization).toMatch(/^Basic /)
  })

  it('refuses an audience for issuers that set it themselves (okta)', () => {
    expect(() =>
      createTokenClient({
        preset: 'okta',
        issuer: 'https://example.okta.com/oauth2/default',
        clientId: 'c',
        clientSecret: SECRET,
        audience: 'api://default',
      }),
    ).toThrow(new TypeError('"audience" is not sent to okta: the issuer sets it (see docs)'))
  })
})

describe('token lifetime', () => {
  it('accepts expires_in as a string', async () => {
    const idp = await server(() => standard('t', '120'))
    const client = createTokenClient({
      tokenEndpoint: `${idp.url}/token`,
      clientId: 'c',
      clientSecret: SECRET,
    })
    expect(secondsLeft((await client.getAccessToken()).expiresAt)).toBeGreaterThan(115)
    expect(secondsLeft((await client.getAccessToken()).expiresAt)).toBeLessThanOrEqual(120)
  })

  it("falls back to the JWT's exp when expires_in is missing", async () => {
    const jwt = await new SignJWT({ sub: 'c' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('45s')
      .sign(new TextEncoder().encode('k'.repeat(32)))
    const idp = await server(() => ({ json: { access_token: jwt, token_type: 'Bearer' } }))
    const client = createTokenClient({
      tokenEndpoint: `${idp.url}/token`,
      clientId: 'c',
      clientSecret: SECRET,
    })
    const left = secondsLeft((await client.getAccessToken()).expiresAt)
    expect(left).toBeGreaterThan(40)
    expect(left).toBeLessThanOrEqual(45)
  })

  it('falls back to defaultExpiresIn for an opaque token without expires_in', async () => {
    const idp = await server(() => ({ json: { access_token: 'opaque', token_type: 'Bearer' } }))
    const client = createTokenClient({
      tokenEndpoint: `${idp.url}/token`,
      clientId: 'c',
      clientSecret: SECRET,
      defaultExpiresIn: 30,
    })
    const left = secondsLeft((await client.getAccessToken()).expiresAt)
    expect(left).toBeGreaterThan(25)
    expect(left).toBeLessThanOrEqual(30)
  })
})
