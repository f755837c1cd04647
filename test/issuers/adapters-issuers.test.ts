import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, createResourceMetadata, type Authenticator } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RunningApp } from '../support/apps.js'
import type { RequestCase } from '../support/cases.js'
import { METADATA_RESOURCE, TOKEN_HEADER, TOKEN_SOURCE_CASES } from '../support/issuer-cases.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { mintTokens, type TokenSet } from '../support/tokens.js'

let issuer: TestIssuer
let foreign: TestIssuer
let tokens: TokenSet
let main: Authenticator
let down: Authenticator

beforeAll(async () => {
  ;[issuer, foreign] = await Promise.all([startIssuer(), startIssuer()])
  tokens = await mintTokens(issuer, foreign, DEFAULT_RESOURCE)
  main = createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    tokenHeader: 'X-Api-Token',
    resourceMetadata: { resource: METADATA_RESOURCE, resourceName: 'Calendar' },
  })
  down = main
})
afterAll(() => Promise.all([issuer?.close(), foreign?.close(), tokens?.close()]))

describe.each(ADAPTERS)('%s adapter: token source and RFC 9728 metadata', (adapter) => {
  let app: RunningApp
  beforeAll(async () => {
    app = await startApp(adapter, { main, down })
  })
  afterAll(() => app?.close())

  it.each(TOKEN_SOURCE_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c: RequestCase) => {
    const res = await send(app.url + c.path, { method: c.method, headers: c.headers(tokens) })
    expect(res.status).toBe(c.status)
    expect(res.headers['www-authenticate']).toBe(c.challenge)
    if (c.principal) expect(res.json).toEqual(c.principal)
    else if (adapter === 'koa') expect(res.text).toBe(c.description)
    else expect(res.json).toEqual({ error: c.error, error_description: c.description })
  })

  it('serves /.well-known/oauth-protected-resource with the scopes its routes require', async () => {
    const res = await send(`${app.url}/.well-known/oauth-protected-resource`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const document = res.json as Record<string, unknown>
    expect(document).toMatchObject({
      resource: METADATA_RESOURCE,
      resource_name: 'Calendar',
      authorization_servers: [issuer.issuer],
      bearer_methods_supported: ['header'],
    })
    // Registered by the routes' requireScope / requireAnyScope calls in test/support/apps.ts.
    expect(document.scopes_supported).toEqual(
      expect.arrayContaining(['event.admin', 'event.create', 'event.view']),
    )
  })
})

describe('RFC 9728 metadata document', () => {
  it('puts the well-known segment between host and path (§3.1)', () => {
    const metadata = createResourceMetadata(
      { resource: 'https://api.example.com/calendar/', scopesSupported: ['a'] },
      ['https://idp.example.com/'],
    )
    expect(metadata.path).toBe('/.well-known/oauth-protected-resource/calendar')
    expect(metadata.url).toBe(
      'https://api.example.com/.well-known/oauth-protected-resource/calendar',
    )
    expect(metadata.document()).toEqual({
      resource: 'https://api.example.com/calendar/',
      authorization_servers: ['https://idp.example.com/'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['a'],
    })
  })

  it('refuses a resource that is not an https URL, naming the option', () => {
    expect(() =>
      createAuthenticator({
        bearer: { issuer: 'https://idp.example.com/', audience: 'x' },
        resourceMetadata: { resource: 'calendar' },
      }),
    ).toThrow('"resourceMetadata.resource" must be an https URL')
  })

  it('refuses Authorization as tokenHeader and a malformed header name', () => {
    const bearer = { issuer: 'https://idp.example.com/', audience: 'x' }
    expect(() => createAuthenticator({ bearer, tokenHeader: 'Authorization' })).toThrow(
      '"tokenHeader" must name a header other than Authorization',
    )
    expect(() => createAuthenticator({ bearer, tokenHeader: 'x token' })).toThrow(
      '"tokenHeader" must be an HTTP header name',
    )
  })

  it(`uses ${TOKEN_HEADER}-style headers case-insensitively`, async () => {
    const principal = await main.authenticate({ rawHeaders: ['X-API-TOKEN', tokens.valid] })
    expect(principal.subject).toBe('task-service')
  })
})
