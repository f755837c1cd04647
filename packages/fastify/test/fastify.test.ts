import Fastify, { type FastifyRequest } from 'fastify'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { createAuthenticator, type Authenticator, type Principal } from '@m2m-auth/core'
import { m2mAuth } from '@m2m-auth/fastify'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../../../test/support/issuer.js'

let issuer: TestIssuer
let authenticator: Authenticator
beforeAll(async () => {
  issuer = await startIssuer()
  authenticator = createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
  })
})
afterAll(() => issuer.close())

describe('@m2m-auth/fastify', () => {
  it('works with app.inject and as a preHandler hook', async () => {
    const app = Fastify()
    await app.register(m2mAuth, { authenticator })
    app.get(
      '/events',
      { preHandler: [app.authenticate, app.requireScope('event.view')] },
      (request) => ({
        subject: request.auth?.subject,
      }),
    )
    const token = await issuer.token('viewer', { scope: 'event.view' })
    const ok = await app.inject({ url: '/events', headers: { authorization: `Bearer ${token}` } })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ subject: 'viewer' })
    const missing = await app.inject({ url: '/events' })
    expect(missing.statusCode).toBe(401)
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="api"')
    await app.close()
  })

  it('respects encapsulation: decorators exist only in the context that registered the plugin', async () => {
    const app = Fastify()
    let inside = false
    let outside = true
    await app.register(async (child) => {
      await child.register(m2mAuth, { authenticator })
      inside = child.hasDecorator('authenticate')
    })
    await app.register(async (sibling) => {
      outside = sibling.hasDecorator('authenticate')
      await Promise.resolve()
    })
    await app.ready()
    expect(inside).toBe(true)
    expect(outside).toBe(false)
    expect(app.hasDecorator('authenticate')).toBe(false)
    await app.close()
  })

  it('refuses to be registered twice in one context', async () => {
    const app = Fastify()
    await app.register(m2mAuth, { authenticator })
    await expect(app.register(m2mAuth, { authenticator })).rejects.toThrow(/already registered/)
    await app.close()
  })

  it('checks its options at register time', async () => {
    const app = Fastify()
    await expect(app.register(m2mAuth, {} as { authenticator: Authenticator })).rejects.toThrow(
      TypeError,
    )
    await app.close()
  })

  it("hands errors to Fastify's error handler with handleErrors: false", async () => {
    const app = Fastify()
    await app.register(m2mAuth, { authenticator, handleErrors: false })
    app.setErrorHandler((error: { code?: string; statusCode?: number }, _request, reply) => {
      void reply.code(error.statusCode ?? 500).send({ handledCode: error.code })
    })
    app.get('/events', { onRequest: app.authenticate }, () => ({ ok: true }))
    const res = await app.inject({ url: '/events', headers: { authorization: 'Bearer nope' } })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ handledCode: 'ERR_TOKEN_INVALID' })
    await app.close()
  })

  it('types request.auth as Principal through declaration merging, no casts', () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<Principal | null>()
    const read = (request: FastifyRequest): string | undefined => request.auth?.subject
    expect(typeof read).toBe('function')
  })
})
