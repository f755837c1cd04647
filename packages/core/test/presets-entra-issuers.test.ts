import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator } from '@m2m-auth/core'
import { rejection } from '../../../test/support/assert.js'
import { startJwks, type LoopbackJwks } from '../../../test/support/jwks-server.js'

// Entra issues tokens from more than the global cloud: sovereign clouds, Entra External ID
// (ciamlogin.com) and Azure AD B2C (b2clogin.com or a custom domain) are Entra issuers too.
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const CLIENT = '6e74172b-be56-4843-9ff4-e66a39bb12e3'

let jwks: LoopbackJwks
beforeAll(async () => {
  jwks = await startJwks()
})
afterAll(() => jwks.close())

const entra = (issuer: string) =>
  createAuthenticator({
    bearer: { preset: 'entra', issuer, audience: CLIENT, jwksUri: jwks.url },
    cache: false,
  })

/** An application token (v2 shape) carrying this `iss`. */
async function tokenFrom(iss: string): Promise<string> {
  return jwks.sign({
    ver: '2.0',
    iss,
    aud: CLIENT,
    azp: 'caller',
    tid: TID,
    sub: 'sp',
    roles: ['A'],
  })
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('entra preset: which issuers it accepts at construction', () => {
  it.each([
    ['the global cloud, v2', `https://login.microsoftonline.com/${TID}/v2.0`],
    ['the global cloud, v1', `https://sts.windows.net/${TID}/`],
    ['US Government, v2', `https://login.microsoftonline.us/${TID}/v2.0`],
    ['US Government, v1', `https://login.microsoftonline.us/${TID}/`],
    ['China (21Vianet), v2', `https://login.partner.microsoftonline.cn/${TID}/v2.0`],
    ['China, former v2 host', `https://login.chinacloudapi.cn/${TID}/v2.0`],
    ['China, v1', `https://sts.chinacloudapi.cn/${TID}/`],
    ['Entra External ID', `https://${TID}.ciamlogin.com/${TID}/v2.0`],
    ['Azure AD B2C', `https://contoso.b2clogin.com/${TID}/v2.0/`],
    ['Azure AD B2C on a custom domain', `https://login.contoso.com/${TID}/v2.0/`],
    ['Azure AD B2C, tfp issuer', `https://contoso.b2clogin.com/tfp/${TID}/b2c_1_susi/v2.0/`],
    ['a loopback issuer (tests)', `http://127.0.0.1:8080/${TID}/v2.0`],
    ['a loopback issuer of any path', 'http://localhost:4000/'],
  ])('accepts %s', (_, issuer) => {
    expect(() => entra(issuer)).not.toThrow()
  })

  it.each([
    [
      'an issuer that is not of the v2 shape',
      'https://login.example.com/',
      /must be https:\/\/login.microsoftonline.com\/<tenant>\/v2.0/,
    ],
    [
      'a v1 shape on a host that has no v1 issuer',
      `https://login.contoso.com/${TID}/`,
      /another Entra v2 issuer/,
    ],
    ['a v1 issuer without its trailing slash', `https://sts.windows.net/${TID}`, /must be/],
    ['http off loopback', `http://login.microsoftonline.com/${TID}/v2.0`, /must be an https URL/],
    ['a query string', `https://login.microsoftonline.com/${TID}/v2.0?x=1`, /must be/],
    [
      'the common endpoint',
      'https://login.microsoftonline.com/common/v2.0',
      /names "common", not a tenant/,
    ],
    ['organizations', 'https://login.microsoftonline.com/organizations/v2.0', /not a tenant/],
  ])('refuses %s with a TypeError naming bearer.issuer', (_, issuer, message) => {
    expect(() => entra(issuer)).toThrow(TypeError)
    expect(() => entra(issuer)).toThrow(/"bearer.issuer"/)
    expect(() => entra(issuer)).toThrow(message)
  })
})

describe('entra preset: the iss forms of one tenant', () => {
  it('accepts both forms of a US Government tenant, and not the global cloud v2 form', async () => {
    const auth = entra(`https://login.microsoftonline.us/${TID}/v2.0`)
    for (const iss of [
      `https://login.microsoftonline.us/${TID}/v2.0`,
      `https://login.microsoftonline.us/${TID}/`,
      `https://sts.windows.net/${TID}/`,
    ]) {
      await expect(auth.authenticate(bearer(await tokenFrom(iss)))).resolves.toMatchObject({
        issuer: iss,
      })
    }
    const global = await tokenFrom(`https://login.microsoftonline.com/${TID}/v2.0`)
    expect((await rejection(auth.authenticate(bearer(global)))).code).toBe('ERR_TOKEN_ISSUER')
  })

  it('accepts the China v1 form for a China v2 issuer', async () => {
    const auth = entra(`https://login.partner.microsoftonline.cn/${TID}/v2.0`)
    const v1 = await tokenFrom(`https://sts.chinacloudapi.cn/${TID}/`)
    await expect(auth.authenticate(bearer(v1))).resolves.toBeDefined()
    const global = await tokenFrom(`https://sts.windows.net/${TID}/`)
    expect((await rejection(auth.authenticate(bearer(global)))).code).toBe('ERR_TOKEN_ISSUER')
  })

  it('accepts an External ID token by its exact issuer only (no v1 form exists)', async () => {
    const issuer = `https://${TID}.ciamlogin.com/${TID}/v2.0`
    const auth = entra(issuer)
    await expect(auth.authenticate(bearer(await tokenFrom(issuer)))).resolves.toBeDefined()
    const v1 = await tokenFrom(`https://sts.windows.net/${TID}/`)
    expect((await rejection(auth.authenticate(bearer(v1)))).code).toBe('ERR_TOKEN_ISSUER')
  })

  it('accepts a B2C token with the trailing-slash issuer', async () => {
    const issuer = `https://contoso.b2clogin.com/${TID}/v2.0/`
    await expect(entra(issuer).authenticate(bearer(await tokenFrom(issuer)))).resolves.toBeDefined()
  })

  it('accepts a token from a loopback issuer', async () => {
    const issuer = `http://127.0.0.1:8080/${TID}/v2.0`
    const principal = await entra(issuer).authenticate(bearer(await tokenFrom(issuer)))
    expect(principal.issuer).toBe(issuer)
    expect([...principal.scopes]).toEqual(['A'])
  })
})
