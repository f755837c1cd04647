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

type Reply = { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>

/** A route behind m2m-auth: the caller must hold every one of `scopes`. */
export interface ProtectedRoute {
  method: 'GET' | 'POST'
  path: string
  scopes: string[]
  public?: false
  handle(input: RouteInput): Reply
}

/** A route with no authentication (a service's own front door, as in the task service). */
export interface PublicRoute {
  method: 'GET' | 'POST'
  path: string
  public: true
  handle(input: Omit<RouteInput, 'principal'>): Reply
}

export type Route = ProtectedRoute | PublicRoute

function invoke(
  route: Route,
  principal: Principal | null | undefined,
  query: URLSearchParams,
  body: unknown,
): Reply {
  if (route.public) return route.handle({ query, body })
  // The adapter's authenticate + requireScope ran before us, so a principal is always there.
  return route.handle({ principal: principal!, query, body })
}

function needAuthenticator(options: ServeOptions): Authenticator {
  if (!options.authenticator)
    throw new TypeError('"authenticator" is required for protected routes')
  return options.authenticator
}

export interface RunningService {
  readonly url: string
  readonly framework: Framework
  close(): Promise<void>
}

export interface ServeOptions {
  /** `express`, `koa` or `fastify`; default express. */
  framework?: string | undefined
  /** Required unless every route is public. */
  authenticator?: Authenticator
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

function expressApp(options: ServeOptions): Parameters<typeof listen>[0] {
  const app = express()
  app.use(express.json())
  for (const route of options.routes) {
    const handlers = route.public
      ? []
      : [ex.authenticate(needAuthenticator(options)), ex.requireScope(...route.scopes)]
    const method = route.method === 'GET' ? app.get.bind(app) : app.post.bind(app)
    method(
      route.path,
      ...handlers,
      (req: express.Request, res: express.Response, next: express.NextFunction) => {
        const query = new URLSearchParams(req.url.split('?')[1] ?? '')
        Promise.resolve(invoke(route, req.auth, query, req.body as unknown)).then(
          (out) => res.status(out.status ?? 200).json(out.body),
          next,
        )
      },
    )
  }
  return app
}

function koaApp(options: ServeOptions): Parameters<typeof listen>[0] {
  const app = new Koa()
  app.silent = true
  const pass: Koa.Middleware = (_ctx, next) => next()
  const table = new Map(
    options.routes.map((r) => [
      `${r.method} ${r.path}`,
      r.public
        ? { route: r, auth: pass, scope: pass }
        : {
            route: r,
            auth: ko.authenticate(needAuthenticator(options)),
            scope: ko.requireScope(...r.scopes),
          },
    ]),
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
      const out = await invoke(entry.route, ctx.state.auth, query, body)
      ctx.status = out.status ?? 200
      ctx.body = out.body
    }
    await entry.auth(ctx, async () => {
      await entry.scope(ctx, handle)
    })
  })
  const handler = app.callback()
  return (req, res) => void handler(req, res)
}

async function serveFastify(
  options: ServeOptions,
  port: number,
): Promise<Omit<RunningService, 'framework'>> {
  const app = Fastify()
  const guarded = options.routes.some((r) => !r.public)
  if (guarded) await app.register(fa.m2mAuth, { authenticator: needAuthenticator(options) })
  for (const route of options.routes) {
    app.route({
      method: route.method,
      url: route.path,
      ...(route.public
        ? {}
        : { onRequest: app.authenticate, preHandler: app.requireScope(...route.scopes) }),
      handler: async (request, reply) => {
        const query = new URLSearchParams(request.url.split('?')[1] ?? '')
        const auth = guarded ? request.auth : undefined
        const out = await invoke(route, auth, query, request.body)
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
