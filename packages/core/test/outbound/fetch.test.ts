import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, createTokenClient, isAuthError } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../../test/support/issuer.js'

interface Seen {
  authorization: string | undefined
  body: string
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>

/** A resource server on loopback; `handler` decides each answer. */
async function startApi(handler: Handler) {
  const seen: Seen[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      seen.push({ authorization: req.headers.authorization, body })
      void handler(req, res, body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

const invalidToken = (res: ServerResponse): void => {
  res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' })
  res.end()
}

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await startIssuer()
})
afterAll(() => issuer?.close())

const client = () =>
  createTokenClient({
    issuer: issuer.issuer,
    clientId: 'task-service',
    clientSecret: DEFAULT_CLIENTS[0]!.client_secret!,
    scope: 'event.create',
    resource: DEFAULT_RESOURCE,
  })

describe('client.fetch', () => {
  it('sends the bearer token, and on 401 invalid_token retries once with a fresh token', async () => {
    const c = client()
    const stale = await c.getToken()
    // The issuer rotates its key and drops the old one: the cached token is now refused by a
    // real verifier (unknown kid) although it has not expired.
    await issuer.rotateKeys({ dropOld: true })
    const authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    const api = await startApi(async (req, res) => {
      try {
        const principal = await authenticator.authenticate(req)
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ createdBy: principal.clientId }))
      } catch (error) {
        if (!isAuthError(error)) throw error
        res.writeHead(error.status, error.headers)
        res.end(JSON.stringify(error))
      }
    })
    try {
      const tokensBefore = issuer.proxy.hitsFor('/token')
      const response = await c.fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'standup' }),
      })
      expect(response.status).toBe(201)
      expect(await response.json()).toEqual({ createdBy: 'task-service' })
      expect(api.seen).toHaveLength(2)
      expect(api.seen[0]!.authorization).toBe(`Bearer ${stale}`)
      expect(api.seen[1]!.authorization).toMatch(/^Bearer ey/)
      expect(api.seen[1]!.authorization).not.toBe(`Bearer ${stale}`)
      expect(api.seen[1]!.body).toBe(JSON.stringify({ title: 'standup' }))
      expect(issuer.proxy.hitsFor('/token') - tokensBefore).toBe(1)
    } finally {
      await api.close()
    }
  })

  it('retries only once: a second 401 is returned to the caller', async () => {
    const api = await startApi((_req, res) => invalidToken(res))
    try {
      const response = await client().fetch(api.url)
      expect(response.status).toBe(401)
      expect(api.seen).toHaveLength(2)
    } finally {
      await api.close()
    }
  })

  it('does not retry a 401 that is not invalid_token, nor a 403', async () => {
    let status = 401
    const api = await startApi((_req, res) => {
      res.writeHead(status, status === 401 ? { 'www-authenticate': 'Bearer realm="api"' } : {})
      res.end()
    })
    try {
      const c = client()
      expect((await c.fetch(api.url)).status).toBe(401)
      status = 403
      expect((await c.fetch(api.url)).status).toBe(403)
      expect(api.seen).toHaveLength(2)
    } finally {
      await api.close()
    }
  })

  it('replays a Request body on the retry and keeps caller headers', async () => {
    let calls = 0
    const api = await startApi((req, res) => {
      if (++calls === 1) return invalidToken(res)
      res.writeHead(200, { 'x-echo': String(req.headers['x-trace']) })
      res.end()
    })
    try {
      const request = new Request(api.url, {
        method: 'PUT',
        headers: { 'x-trace': 'abc' },
        body: 'payload',
      })
      const response = await client().fetch(request)
      expect(response.status).toBe(200)
      expect(response.headers.get('x-echo')).toBe('abc')
      expect(api.seen.map((s) => s.body)).toEqual(['payload', 'payload'])
    } finally {
      await api.close()
    }
  })

  it('does not retry a streamed body, which cannot be sent twice', async () => {
    const api = await startApi((_req, res) => invalidToken(res))
    try {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('once'))
          controller.close()
        },
      })
      const response = await client().fetch(api.url, {
        method: 'POST',
        body,
        duplex: 'half',
      })
      expect(response.status).toBe(401)
      expect(api.seen).toHaveLength(1)
    } finally {
      await api.close()
    }
  })
})
