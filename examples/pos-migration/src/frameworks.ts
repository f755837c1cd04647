import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Koa from 'koa'
import Fastify from 'fastify'
import type { Authenticator } from '@m2m-auth/core'
import * as ex from '@m2m-auth/express'
import * as ko from '@m2m-auth/koa'
import { m2mAuth } from '@m2m-auth/fastify'
import { stockFor } from './stock.js'

export type Framework = 'express' | 'koa' | 'fastify'
export const FRAMEWORKS: readonly Framework[] = ['express', 'koa', 'fastify']

export interface Listening {
  readonly url: string
  close(): Promise<void>
}

/** GET /stock (scope stock.read) in the chosen framework, listening on host:port. */
export async function listenStock(
  framework: Framework,
  authenticator: Authenticator,
  host: string,
  port: number,
): Promise<Listening> {
  if (framework === 'fastify') {
    const app = Fastify()
    await app.register(m2mAuth, { authenticator })
    app.get(
      '/stock',
      { onRequest: app.authenticate, preHandler: app.requireScope('stock.read') },
      (request) => Promise.resolve(stockFor(request.auth!)),
    )
    await app.listen({ host, port })
    const address = app.server.address() as AddressInfo
    return { url: `http://${host}:${address.port}`, close: () => app.close() }
  }
  return listen(
    framework === 'express' ? expressApp(authenticator) : koaApp(authenticator),
    host,
    port,
  )
}

function expressApp(authenticator: Authenticator): Server {
  const app = express()
  app.get('/stock', ex.authenticate(authenticator), ex.requireScope('stock.read'), (req, res) => {
    res.json(stockFor(req.auth!))
  })
  return createServer(app)
}

function koaApp(authenticator: Authenticator): Server {
  const app = new Koa()
  app.silent = true
  const authenticate = ko.authenticate(authenticator)
  const stockRead = ko.requireScope('stock.read')
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/stock') {
      await next()
      return
    }
    await authenticate(ctx, async () => {
      await stockRead(ctx, () => {
        ctx.body = stockFor(ctx.state.auth!)
        return Promise.resolve()
      })
    })
  })
  const handler = app.callback()
  return createServer((req, res) => void handler(req, res))
}

async function listen(server: Server, host: string, port: number): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  const address = server.address() as AddressInfo
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
