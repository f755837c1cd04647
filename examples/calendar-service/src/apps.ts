import type { RequestListener } from 'node:http'
import express from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import Koa from 'koa'
import type { Authenticator } from '@m2m-auth/core'
import * as ex from '@m2m-auth/express'
import { m2mAuth } from '@m2m-auth/fastify'
import * as ko from '@m2m-auth/koa'
import type { EventStore } from './events.js'

/** Express: GET /events needs event.view, POST /events needs event.create. */
export function expressApp(authenticator: Authenticator, store: EventStore): RequestListener {
  const app = express()
  app.use(express.json({ limit: '16kb' }))
  app.use(ex.authenticate(authenticator))
  app.get('/events', ex.requireScope('event.view'), (_req, res) => {
    res.json(store.list())
  })
  app.post('/events', ex.requireScope('event.create'), (req, res) => {
    const created = store.create(req.body, req.auth)
    res.status(created.status).json(created.body)
  })
  return app
}

/** Koa: the same routes; Koa has no body parser, so a small bounded one is inlined. */
export function koaApp(authenticator: Authenticator, store: EventStore): RequestListener {
  const app = new Koa()
  app.silent = true
  const auth = ko.authenticate(authenticator)
  const view = ko.requireScope('event.view')
  const create = ko.requireScope('event.create')
  app.use(async (ctx, next) => {
    if (ctx.path !== '/events' || (ctx.method !== 'GET' && ctx.method !== 'POST')) {
      await next()
      return
    }
    await auth(ctx, async () => {
      if (ctx.method === 'GET') {
        await view(ctx, () => {
          ctx.body = store.list()
          return Promise.resolve()
        })
        return
      }
      await create(ctx, async () => {
        const created = store.create(await readJson(ctx.req), ctx.state.auth)
        ctx.status = created.status
        ctx.body = created.body
      })
    })
  })
  const handler = app.callback()
  return (req, res) => void handler(req, res)
}

/** Fastify: the plugin decorates `app.authenticate` and `app.requireScope`. */
export async function fastifyApp(
  authenticator: Authenticator,
  store: EventStore,
): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 16_384 })
  await app.register(m2mAuth, { authenticator })
  app.get(
    '/events',
    { onRequest: app.authenticate, preHandler: app.requireScope('event.view') },
    () => Promise.resolve(store.list()),
  )
  app.post(
    '/events',
    { onRequest: app.authenticate, preHandler: app.requireScope('event.create') },
    async (request, reply) => {
      const created = store.create(request.body, request.auth)
      return reply.code(created.status).send(created.body)
    },
  )
  return app
}

async function readJson(req: NodeJS.ReadableStream): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 16_384) return undefined
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    return undefined
  }
}
