import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, createTokenClient, type TokenClient } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RunningApp } from './support/apps.js'
import { DPOP_RESOURCE, startDpopIssuer, type DpopIssuer } from './support/dpop-issuer.js'

// The client test/support/dpop-issuer.ts registers (it does not export its credentials).
const CLIENT_ID = 'task-service'
const CLIENT_SECRET = 'task-service-secret-0123456789abcdef'
const NONCE_SECRET = 'e2e-nonce-secret-0123456789abcdef0123456789'

interface Exchange {
  readonly url: string
  readonly status: number
  readonly challenge: string
}

let issuer: DpopIssuer

beforeAll(async () => {
  issuer = await startDpopIssuer()
})
afterAll(() => issuer?.close())

/** A token client with its own ES256 key, recording every response the resource server gives. */
function dpopClient(api: string, exchanges: Exchange[]): TokenClient {
  return createTokenClient({
    issuer: issuer.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scope: 'event.view',
    resource: DPOP_RESOURCE,
    dpop: true,
    fetch: async (input, init) => {
      const response = await fetch(input, init)
      const url = input instanceof Request ? input.url : String(input)
      if (url.startsWith(api)) {
        const challenge = response.headers.get('www-authenticate') ?? ''
        exchanges.push({ url, status: response.status, challenge })
      }
      return response
    },
  })
}

describe.each(ADAPTERS)(
  '%s: outbound token + fetch against our own DPoP-requiring service',
  (adapter) => {
    let app: RunningApp
    beforeAll(async () => {
      const main = createAuthenticator({
        bearer: {
          issuer: issuer.issuer,
          audience: DPOP_RESOURCE,
          dpop: { required: true, nonce: { secret: NONCE_SECRET } },
        },
      })
      app = await startApp(adapter, { main, down: main })
    })
    afterAll(() => app?.close())

    it('answers 200 after exactly one use_dpop_nonce retry, then 200 with the remembered nonce', async () => {
      const exchanges: Exchange[] = []
      const client = dpopClient(app.url, exchanges)

      const first = await client.fetch(`${app.url}/events?page=1`)
      expect(first.status).toBe(200)
      expect(await first.json()).toMatchObject({ scheme: 'bearer', clientId: CLIENT_ID })
      expect(exchanges.map((e) => e.status)).toEqual([401, 200])
      expect(exchanges[0]!.challenge).toMatch(/^DPoP .*error="use_dpop_nonce"/)

      exchanges.length = 0
      const second = await client.fetch(`${app.url}/events`)
      expect(second.status).toBe(200)
      expect(await second.json()).toMatchObject({ clientId: CLIENT_ID })
      expect(exchanges.map((e) => e.status)).toEqual([200])
    })

    it('refuses a replayed proof captured with headersFor (401 invalid_dpop_proof)', async () => {
      const client = dpopClient(app.url, [])
      // The first call learns the server's nonce, so the captured proof carries it.
      expect((await client.fetch(`${app.url}/events`)).status).toBe(200)
      const headers = await client.headersFor('GET', `${app.url}/events`)

      const used = await send(`${app.url}/events`, { headers: { ...headers } })
      expect(used.status).toBe(200)
      const replayed = await send(`${app.url}/events`, { headers: { ...headers } })
      expect(replayed.status).toBe(401)
      expect(String(replayed.headers['www-authenticate'])).toMatch(
        /^DPoP .*error="invalid_dpop_proof"/,
      )
      // Koa's default error handler answers the description as text; the others answer JSON.
      if (adapter !== 'koa') expect(replayed.json).toMatchObject({ error: 'invalid_dpop_proof' })
      expect(replayed.text).not.toMatch(/eyJ/)
    })
  },
)
