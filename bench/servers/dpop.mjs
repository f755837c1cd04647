// The dpop section's servers: BENCH_FRAMEWORK (express, koa, fastify) with BENCH_VARIANT
// 'ours' (our adapter, the issuer configured with `dpop`) or 'minimal' (lib/minimal-dpop.mjs
// in place, in the framework's own idiom). Both answer GET / with BODY to a DPoP-bound token
// and a valid, unused proof, and 401 to anything else.
import { minimalDpopCheck } from '../lib/minimal-dpop.mjs'
import { minimalHeaderVerifier } from '../lib/minimal.mjs'
import { announce, BODY, env, unknownVariant } from '../lib/serve.mjs'

const framework = process.env.BENCH_FRAMEWORK

async function ours() {
  const { createAuthenticator } = await import('@m2m-auth/core')
  const authenticator = createAuthenticator({
    bearer: { issuer: env.issuer, audience: env.audience, dpop: {} },
  })
  await authenticator.prefetch()
  return authenticator
}

async function minimal() {
  const verifyBearer = await minimalHeaderVerifier(env)
  return minimalDpopCheck((token) => verifyBearer(`Bearer ${token}`))
}

const check = env.variant === 'minimal' ? await minimal() : undefined
if (env.variant !== 'minimal' && env.variant !== 'ours') unknownVariant()

switch (framework) {
  case 'express': {
    const { default: express } = await import('express')
    const app = express()
    app.disable('x-powered-by')
    app.disable('etag')
    if (check) {
      app.use((req, res, next) => {
        const url = `http://${req.headers.host}${req.path}`
        const payload = check(req.method, url, req.headers.authorization, req.headers.dpop)
        if (payload === undefined) return void res.status(401).type('text/plain').send('denied')
        req.auth = payload
        next()
      })
    } else {
      const { authenticate } = await import('@m2m-auth/express')
      app.use(authenticate(await ours()))
    }
    app.get('/', (_req, res) => void res.type('text/plain').send(BODY))
    const server = app.listen(0, '127.0.0.1', () => announce(server.address().port))
    break
  }
  case 'koa': {
    const { default: Koa } = await import('koa')
    const app = new Koa()
    app.silent = true
    if (check) {
      app.use((ctx, next) => {
        const { authorization, dpop } = ctx.headers
        const payload = check(ctx.method, `http://${ctx.host}${ctx.path}`, authorization, dpop)
        if (payload === undefined) ctx.throw(401, 'denied')
        ctx.state.auth = payload
        return next()
      })
    } else {
      const { authenticate } = await import('@m2m-auth/koa')
      app.use(authenticate(await ours()))
    }
    app.use((ctx) => {
      ctx.type = 'text/plain'
      ctx.body = BODY
    })
    const server = app.listen(0, '127.0.0.1', () => announce(server.address().port))
    break
  }
  case 'fastify': {
    const { default: Fastify } = await import('fastify')
    const app = Fastify()
    if (check) {
      app.decorateRequest('auth', null)
      app.addHook('onRequest', (request, reply, done) => {
        const { authorization, dpop } = request.headers
        const url = `http://${request.headers.host}${request.url.split('?', 1)[0]}`
        const payload = check(request.method, url, authorization, dpop)
        if (payload === undefined) return void reply.code(401).send('denied')
        request.auth = payload
        done()
      })
    } else {
      const { m2mAuth } = await import('@m2m-auth/fastify')
      await app.register(m2mAuth, { authenticator: await ours() })
      app.addHook('onRequest', app.authenticate)
    }
    app.get('/', (_request, reply) => reply.type('text/plain').send(BODY))
    await app.listen({ port: 0, host: '127.0.0.1' })
    announce(app.server.address().port)
    break
  }
  default:
    throw new Error(`unknown BENCH_FRAMEWORK ${framework}`)
}
