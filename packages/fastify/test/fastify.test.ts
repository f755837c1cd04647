import Fastify, { type FastifyRequest } from 'fastify'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { Authenticator, Principal } from '@m2m-auth/core'
import { m2mAuth } from '@m2m-auth/fastify'
import { useIssuer } from '../../../test/support/fixture.js'

const fixture = useIssuer()

describe('@m2m-auth/fastify', () => {
  it('works with app.inject and as a preHandler hook', async () => {
    const app = Fastify()
    await app.register(m2mAuth, { authenticator: fixture.authenticator })
    app.get(
      '/events',
      { preHandler: [app.authenticate, app.requireScope('event.view')] },
      (request) => ({
        subject: request.auth?.subject,
      }),
    )
    const token = await fixture.issuer.token('viewer', { scope: 'event.view' })
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
      await child.register(m2mAuth, { authenticator: fixture.authenticator })
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
    await app.register(m2mAuth, { authenticator: fixture.authenticator })
    await expect(app.register(m2mAuth, { authenticator: fixture.authenticator })).rejects.toThrow(
      /already registered/,
    )
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
    await app.register(m2mAuth, { authenticator: fixture.authenticator, handleErrors: false })
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
    // Checked by tsc (tsconfig.test.json): a wrong type fails the build.
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<Principal | null>()
    const read = (request: FastifyRequest): string | undefined => request.auth?.subject
    expect(read({ auth: { subject: 'svc' } } as unknown as FastifyRequest)).toBe('svc')
    expect(read({ auth: null } as unknown as FastifyRequest)).toBeUndefined()
  })
})
