import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient } from '@m2m-auth/core'
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js'

// Fetch drops Authorization on a cross-origin redirect but keeps other headers: a token that
// travels in a preset's own header must never follow a redirect to another origin.
let api: LoopbackServer
let elsewhere: LoopbackServer

beforeAll(async () => {
  elsewhere = await startLoopbackServer(() => ({ json: { stolen: true } }))
  api = await startLoopbackServer((r) => {
    if (r.path === '/v3/oauth/token/generate') {
      return { json: { data: { accessToken: 'cap-token', ttlSeconds: 1800 } } }
    }
    return { status: 302, headers: { location: `${elsewhere.url}/steal` } }
  })
})
afterAll(() => Promise.all([api?.close(), elsewhere?.close()]))

describe('a token in a preset header and redirects', () => {
  it('hands the redirect back to the caller instead of carrying X-CAP-API-OAUTH-TOKEN to another origin', async () => {
    const client = createTokenClient({
      preset: 'capillary',
      issuer: api.url,
      clientId: 'cap-key',
      clientSecret: 'a secret of some length',
    })
    const response = await client.fetch(`${api.url}/v2/customers/get`)
    expect(response.status).toBe(302)
    expect(elsewhere.requests).toHaveLength(0)
    for (const request of [...api.requests, ...elsewhere.requests]) {
      if (request.path !== '/v2/customers/get' && request.path !== '/v3/oauth/token/generate')
        expect(request.headers['x-cap-api-oauth-token']).toBeUndefined()
    }
  })
})
