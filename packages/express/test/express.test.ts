import type { AddressInfo } from 'node:net'
import express from 'express'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { Authenticator, Principal } from '@m2m-auth/core'
import { authenticate, requireScope } from '@m2m-auth/express'
import { useIssuer } from '../../../test/support/fixture.js'
import { send } from '../../../test/support/apps.js'

const fixture = useIssuer()

async function serve(app: express.Express): Promise<{ url: string; close: () => void }> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  }
}

describe('@m2m-auth/express', () => {
  it("hands errors to next(err) with handleErrors: false, and Express's default handler keeps status and headers", async () => {
    const app = express()
    app.get(
      '/events',
      authenticate(fixture.authenticator, { handleErrors: false }),
      requireScope('event.create'),
      (_req, res) => {
        res.send('ok')
      },
    )
    const { url, close } = await serve(app)
    try {
      const missing = await send(`${url}/events`)
      expect(missing.status).toBe(401)
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="api"')

      const viewer = await fixture.issuer.token('viewer', { scope: 'event.view' })
      const forbidden = await send(`${url}/events`, {
        headers: { authorization: `Bearer ${viewer}` },
      })
      expect(forbidden.status).toBe(403)
      expect(forbidden.headers['www-authenticate']).toContain('scope="event.create"')
    } finally {
      close()
    }
  })

  it('lets an application error handler see the AuthError with its code', async () => {
    const app = express()
    const seen: string[] = []
    app.get(
      '/events',
      authenticate(fixture.authenticator, { handleErrors: false }),
      (_req, res) => {
        res.send('ok')
      },
    )
    app.use(
      (
        err: { code: string; status: number },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        seen.push(err.code)
        res.status(err.status).json({ handled: true })
      },
    )
    const { url, close } = await serve(app)
    try {
      const res = await send(`${url}/events`, { headers: { authorization: 'Bearer not.a.jwt' } })
      expect(res.status).toBe(401)
      expect(res.json).toEqual({ handled: true })
      expect(seen).toEqual(['ERR_TOKEN_INVALID'])
    } finally {
      close()
    }
  })

  it('types req.auth as Principal through declaration merging, no casts', () => {
    const handler: express.RequestHandler = (req, res) => {
      const subject: string | undefined = req.auth?.subject
      res.json({ subject })
    }
    // Checked by tsc (tsconfig.test.json): a wrong type fails the build.
    expectTypeOf<express.Request['auth']>().toEqualTypeOf<Principal | undefined>()
    // And at run time the handler reads what authenticate() stored.
    const sent: unknown[] = []
    const req = { auth: { subject: 'svc' } } as unknown as express.Request
    const res = { json: (body: unknown) => sent.push(body) } as unknown as express.Response
    void handler(req, res, () => undefined)
    expect(sent).toEqual([{ subject: 'svc' }])
  })

  it('refuses a missing authenticator at construction', () => {
    expect(() => authenticate(undefined as unknown as Authenticator)).toThrow(TypeError)
  })
})
