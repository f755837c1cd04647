import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import Koa from 'koa'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { Principal } from '@m2m-auth/core'
import { authenticate, requireScope } from '@m2m-auth/koa'
import { useIssuer } from '../../../test/support/fixture.js'
import { send } from '../../../test/support/apps.js'

const fixture = useIssuer()

async function serve(app: Koa): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

describe('@m2m-auth/koa', () => {
  it('lets an upstream error middleware render the AuthError as JSON with its headers', async () => {
    const app = new Koa()
    app.use(async (ctx, next) => {
      try {
        await next()
      } catch (err) {
        const e = err as { status: number; headers: Record<string, string>; toJSON(): object }
        ctx.status = e.status
        ctx.set(e.headers)
        ctx.body = e.toJSON()
      }
    })
    app.use(authenticate(fixture.authenticator))
    app.use(requireScope('event.create'))
    app.use((ctx) => {
      ctx.body = { subject: ctx.state.auth?.subject }
    })
    const { url, server } = await serve(app)
    try {
      const viewer = await fixture.issuer.token('viewer', { scope: 'event.view' })
      const res = await send(url, { headers: { authorization: `Bearer ${viewer}` } })
      expect(res.status).toBe(403)
      expect(res.json).toEqual({
        error: 'insufficient_scope',
        error_description: 'requires scope event.create',
      })
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"')

      const valid = await fixture.issuer.token('task-service', { scope: 'event.create' })
      const ok = await send(url, { headers: { authorization: `Bearer ${valid}` } })
      expect(ok.json).toEqual({ subject: 'task-service' })
    } finally {
      server.close()
    }
  })

  it('does not emit auth failures as application errors (they are exposed client errors)', async () => {
    const app = new Koa()
    const emitted: unknown[] = []
    app.on('error', (err) => emitted.push(err))
    app.silent = true
    app.use(authenticate(fixture.authenticator))
    const { url, server } = await serve(app)
    try {
      const res = await send(url)
      expect(res.status).toBe(401)
      expect(res.text).toBe('authentication is required')
      // Koa emits 'error' for every thrown error; its default logger stays quiet because expose is true.
      expect(emitted).toHaveLength(1)
      expect((emitted[0] as { expose: boolean }).expose).toBe(true)
    } finally {
      server.close()
    }
  })

  it('types ctx.state.auth as Principal through declaration merging, no casts', () => {
    const middleware: Koa.Middleware = (ctx) => {
      const subject: string | undefined = ctx.state.auth?.subject
      ctx.body = { subject }
    }
    // Checked by tsc (tsconfig.test.json): a wrong type fails the build.
    expectTypeOf<Koa.DefaultState['auth']>().toEqualTypeOf<Principal | undefined>()
    const ctx = { state: { auth: { subject: 'svc' } }, body: undefined as unknown }
    void middleware(ctx as unknown as Koa.ParameterizedContext, () => Promise.resolve())
    expect(ctx.body).toEqual({ subject: 'svc' })
  })
})
