import { createServer, request as httpsRequest, type ServerOptions } from 'node:https'
import type { RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Koa from 'koa'
import Fastify from 'fastify'
import type { Authenticator } from '@m2m-auth/core'
import * as ex from '@m2m-auth/express'
import * as ko from '@m2m-auth/koa'
import { m2mAuth } from '@m2m-auth/fastify'
import {
  describePrincipal,
  readResponse,
  type AdapterName,
  type RawResponse,
  type RunningApp,
} from './apps.js'
import type { TestCertificate, TestPki } from './mtls-certs.js'

/**
 * GET /events behind each adapter, served by Node https asking for a client certificate but
 * leaving the CA check off: the token binding, not the TLS layer, decides here.
 */
export async function startHttpsApp(
  name: AdapterName,
  auth: Authenticator,
  pki: TestPki,
): Promise<RunningApp> {
  const tls: ServerOptions = {
    key: pki.server.key,
    cert: pki.server.cert,
    requestCert: true,
    rejectUnauthorized: false,
  }
  if (name === 'fastify') {
    const app = Fastify({ https: tls })
    await app.register(m2mAuth, { authenticator: auth })
    app.get('/events', { onRequest: app.authenticate }, (request) =>
      Promise.resolve(describePrincipal(request.auth)),
    )
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    return { url: `https://127.0.0.1:${port}`, close: () => app.close() }
  }
  return listen(tls, name === 'express' ? expressApp(auth) : koaApp(auth))
}

function expressApp(auth: Authenticator): RequestListener {
  const app = express()
  app.get('/events', ex.authenticate(auth), (req, res) => {
    res.json(describePrincipal(req.auth))
  })
  return app
}

function koaApp(auth: Authenticator): RequestListener {
  const app = new Koa()
  app.silent = true
  app.use(ko.authenticate(auth))
  app.use((ctx) => {
    ctx.body = describePrincipal(ctx.state.auth)
  })
  const handler = app.callback()
  return (req, res) => void handler(req, res)
}

async function listen(tls: ServerOptions, handler: RequestListener): Promise<RunningApp> {
  const server = createServer(tls, handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** GET over https, presenting `client`'s certificate in the handshake when given. */
export function sendTls(
  url: string,
  ca: string,
  headers: Record<string, string>,
  client?: TestCertificate,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const options = {
      ca,
      headers,
      agent: false as const, // a fresh handshake each time: no connection reused across clients
      timeout: 10_000,
      ...(client && { cert: client.cert, key: client.key }),
    }
    const req = httpsRequest(url, options, (res) => {
      readResponse(res).then(resolve, reject)
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end()
  })
}
