import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Koa from 'koa'
import Fastify from 'fastify'
import type { Authenticator, Principal } from '@m2m-auth/core'
import * as ex from '@m2m-auth/express'
import * as ko from '@m2m-auth/koa'
import { m2mAuth } from '@m2m-auth/fastify'

export type AdapterName = 'express' | 'koa' | 'fastify'
export const ADAPTERS: readonly AdapterName[] = ['express', 'koa', 'fastify']

/** Authenticators the test apps mount: `main` on /..., `down` (an unreachable issuer) on /down/... */
export interface AppAuthenticators {
  main: Authenticator
  down: Authenticator
  /** Optional: a Basic-and-Bearer authenticator for POS tills, mounted on GET /stock. */
  pos?: Authenticator
}

export interface RunningApp {
  readonly url: string
  close(): Promise<void>
}

/** What a route answers when the caller gets through: enough to compare principals. */
export function describePrincipal(auth: Principal | null | undefined): object {
  if (!auth) return { anonymous: true }
  return {
    scheme: auth.scheme,
    subject: auth.subject,
    clientId: auth.clientId ?? null,
    scopes: [...auth.scopes].sort(),
    till: auth.till ?? null,
  }
}

/**
 * The same routes in each framework:
 *   GET  /events          event.view
 *   POST /events          event.create
 *   GET  /any             event.create or event.admin
 *   GET  /optional        optional authentication
 *   GET  /down/events     event.view, against an unreachable issuer
 *   GET  /stock           stock.read, with the `pos` authenticator (when given)
 */
export async function startApp(name: AdapterName, auth: AppAuthenticators): Promise<RunningApp> {
  switch (name) {
    case 'express':
      return listen(expressApp(auth))
    case 'koa':
      return listen(koaApp(auth))
    case 'fastify':
      return fastifyApp(auth)
  }
}

function expressApp(auth: AppAuthenticators): Parameters<typeof listen>[0] {
  const app = express()
  if (auth.main.resourceMetadata) app.use(ex.resourceMetadata(auth.main))
  const main = ex.authenticate(auth.main)
  const show = (req: express.Request, res: express.Response): void => {
    res.json(describePrincipal(req.auth))
  }
  app.get('/events', main, ex.requireScope('event.view'), show)
  app.post('/events', main, ex.requireScope('event.create'), show)
  app.get('/any', main, ex.requireAnyScope('event.create', 'event.admin'), show)
  app.get('/optional', ex.authenticate(auth.main, { optional: true }), show)
  app.get('/down/events', ex.authenticate(auth.down), ex.requireScope('event.view'), show)
  if (auth.pos) app.get('/stock', ex.authenticate(auth.pos), ex.requireScope('stock.read'), show)
  return app
}

function koaApp(auth: AppAuthenticators): Parameters<typeof listen>[0] {
  const app = new Koa()
  app.silent = true
  if (auth.main.resourceMetadata) app.use(ko.resourceMetadata(auth.main))
  const main = ko.authenticate(auth.main)
  const routes: Record<string, Koa.Middleware[]> = {
    'GET /events': [main, ko.requireScope('event.view')],
    'POST /events': [main, ko.requireScope('event.create')],
    'GET /any': [main, ko.requireAnyScope('event.create', 'event.admin')],
    'GET /optional': [ko.authenticate(auth.main, { optional: true })],
    'GET /down/events': [ko.authenticate(auth.down), ko.requireScope('event.view')],
  }
  if (auth.pos) routes['GET /stock'] = [ko.authenticate(auth.pos), ko.requireScope('stock.read')]
  app.use(async (ctx, next) => {
    const chain = routes[`${ctx.method} ${ctx.path}`]
    if (!chain) {
      await next()
      return
    }
    const run = async (i: number): Promise<void> => {
      const middleware = chain[i]
      if (middleware) await middleware(ctx, () => run(i + 1))
      else ctx.body = describePrincipal(ctx.state.auth)
    }
    await run(0)
  })
  const handler = app.callback()
  return (req, res) => void handler(req, res)
}

async function fastifyApp(auth: AppAuthenticators): Promise<RunningApp> {
  const app = Fastify()
  const show = (request: { auth: Principal | null }): Promise<object> =>
    Promise.resolve(describePrincipal(request.auth))
  // Three sibling contexts, each with its own authenticator: encapsulation at work.
  await app.register(async (child) => {
    await child.register(m2mAuth, { authenticator: auth.main })
    child.get(
      '/events',
      { onRequest: child.authenticate, preHandler: child.requireScope('event.view') },
      show,
    )
    child.post(
      '/events',
      { onRequest: child.authenticate, preHandler: child.requireScope('event.create') },
      show,
    )
    child.get(
      '/any',
      {
        onRequest: child.authenticate,
        preHandler: child.requireAnyScope('event.create', 'event.admin'),
      },
      show,
    )
  })
  await app.register(async (child) => {
    await child.register(m2mAuth, { authenticator: auth.main, optional: true })
    child.get('/optional', { onRequest: child.authenticate }, show)
  })
  await app.register(async (child) => {
    await child.register(m2mAuth, { authenticator: auth.down })
    child.get(
      '/down/events',
      { onRequest: child.authenticate, preHandler: child.requireScope('event.view') },
      show,
    )
  })
  const pos = auth.pos
  if (pos) {
    await app.register(async (child) => {
      await child.register(m2mAuth, { authenticator: pos })
      child.get(
        '/stock',
        { onRequest: child.authenticate, preHandler: child.requireScope('stock.read') },
        show,
      )
    })
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
}

async function listen(handler: RequestListener): Promise<RunningApp> {
  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: unknown
}

/** A raw HTTP request, so tests can send what fetch would tidy up (two Authorization headers). */
export function send(
  url: string,
  {
    method = 'GET',
    headers = {},
  }: { method?: string; headers?: Record<string, string | string[]> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, timeout: 10_000 }, (res) => {
      readResponse(res).then(resolve, reject)
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end()
  })
}

/** The whole response: status, headers, text, and the JSON when the text is JSON. */
export function readResponse(res: IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('error', reject)
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
    })
  })
}
