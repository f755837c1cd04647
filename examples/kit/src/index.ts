/**
 * One route table, served by Express, Koa or Fastify (`FRAMEWORK=express|koa|fastify`), so
 * every example runs on all three frameworks with the same behaviour. Each framework uses
 * its own m2m-auth adapter; this file only wires routes.
 */
import type { AddressInfo } from 'node:net'
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http'
import express from 'express'
import Koa from 'koa'
import Fastify from 'fastify'
import type { Authenticator, Principal } from '@m2m-auth/core'
import * as ex from '@m2m-auth/express'
import * as ko from '@m2m-auth/koa'
import * as fa from '@m2m-auth/fastify'

export type Framework = 'express' | 'koa' | 'fastify'
export const FRAMEWORKS: readonly Framework[] = ['express', 'koa', 'fastify']

export interface RouteInput {
  principal: Principal
  query: URLSearchParams
  body: unknown
}

export interface Route {
  method: 'GET' | 'POST'
  path: string
  /** Every one of these scopes is required. */
  scopes: string[]
  handle(
    input: RouteInput,
  ): { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>
}

export interface RunningService {
  readonly url: string
  readonly framework: Framework
  close(): Promise<void>
}

export interface ServeOptions {
  /** `express`, `koa` or `fastify`; default express. */
  framework?: string | undefined
  authenticator: Authenticator
  routes: Route[]
  port?: number
  onListen?: (url: string) => void
}

export function frameworkFrom(value: string | undefined): Framework {
  const framework = (value ?? 'express').toLowerCase()
  if (!(FRAMEWORKS as readonly string[]).includes(framework)) {
    throw new TypeError(
      `FRAMEWORK must be one of ${FRAMEWORKS.join(', ')}, got ${JSON.stringify(value)}`,
    )
  }
  return framework as Framework
}

export async function serve(options: ServeOptions): Promise<RunningService> {
  const framework = frameworkFrom(options.framework)
  const port = options.port ?? 0
  const running =
    framework === 'fastify'
      ? await serveFastify(options, port)
      : await listen(framework === 'express' ? expressApp(options) : koaApp(options), port)
  options.onListen?.(running.url)
  return { ...running, framework }
}

function expressApp({ authenticator, routes }: ServeOptions): Parameters<typeof listen>[0] {
  const app = express()
  app.use(express.json())
  for (const route of routes) {
    const handlers = [ex.authenticate(authenticator), ex.requireScope(...route.scopes)]
    const method = route.method === 'GET' ? app.get.bind(app) : app.post.bind(app)
    method(
      route.path,
      ...handlers,
      (req: express.Request, res: express.Response, next: express.NextFunction) => {
        const query = new URLSearchParams(req.url.split('?')[1] ?? '')
        Promise.resolve(
          route.handle({ principal: req.auth!, query, body: req.body as unknown }),
        ).then((out) => res.status(out.status ?? 200).json(out.body), next)
      },
    )
  }
  return app
}

function koaApp({ authenticator, routes }: ServeOptions): Parameters<typeof listen>[0] {
  const app = new Koa()
  app.silent = true
  const auth = ko.authenticate(authenticator)
  const table = new Map(
    routes.map((r) => [`${r.method} ${r.path}`, { route: r, scope: ko.requireScope(...r.scopes) }]),
  )
  app.use(async (ctx, next) => {
    const entry = table.get(`${ctx.method} ${ctx.path}`)
    if (!entry) {
      await next()
      return
    }
    const handle = async (): Promise<void> => {
      const body = ctx.method === 'POST' ? await readJson(ctx.req) : undefined
      const query = new URLSearchParams(ctx.querystring)
      const out = await entry.route.handle({ principal: ctx.state.auth!, query, body })
      ctx.status = out.status ?? 200
      ctx.body = out.body
    }
    await auth(ctx, async () => {
      await entry.scope(ctx, handle)
    })
  })
  const handler = app.callback()
  return (req, res) => void handler(req, res)
}

async function serveFastify(
  { authenticator, routes }: ServeOptions,
  port: number,
): Promise<Omit<RunningService, 'framework'>> {
  const app = Fastify()
  await app.register(fa.m2mAuth, { authenticator })
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      onRequest: app.authenticate,
      preHandler: app.requireScope(...route.scopes),
      handler: async (request, reply) => {
        const query = new URLSearchParams(request.url.split('?')[1] ?? '')
        const out = await route.handle({ principal: request.auth!, query, body: request.body })
        await reply.code(out.status ?? 200).send(out.body)
      },
    })
  }
  await app.listen({ port, host: '127.0.0.1' })
  const address = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() }
}

async function listen(
  handler: RequestListener,
  port: number,
): Promise<Omit<RunningService, 'framework'>> {
  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 64 * 1024)
      throw Object.assign(new Error('body too large'), { status: 413, expose: true })
    chunks.push(chunk as Buffer)
  }
  if (chunks.length === 0) return undefined
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw Object.assign(new Error('body is not JSON'), { status: 400, expose: true })
  }
}
