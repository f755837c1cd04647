import Koa from 'koa'
import { minimalHeaderVerifier } from '../lib/minimal.mjs'
import {
  announce,
  BODY,
  env,
  ourAuthenticator,
  ourAuthenticatorWithMetrics,
  unknownVariant,
} from '../lib/serve.mjs'

const app = new Koa()
app.silent = true

switch (env.variant) {
  case 'bare':
    break
  case 'empty':
    app.use((_ctx, next) => next())
    break
  case 'minimal': {
    const check = await minimalHeaderVerifier(env)
    app.use((ctx, next) => {
      const payload = check(ctx.get('authorization'))
      if (payload === undefined) {
        ctx.status = 401
        ctx.body = 'denied'
        return
      }
      ctx.state.auth = payload
      return next()
    })
    break
  }
  case 'ours': {
    const { authenticate } = await import('@m2m-auth/koa')
    app.use(authenticate(await ourAuthenticator()))
    break
  }
  case 'ours-otel': {
    const { authenticate } = await import('@m2m-auth/koa')
    app.use(authenticate(await ourAuthenticatorWithMetrics()))
    break
  }
  case 'koa-jwt': {
    const { default: jwt } = await import('koa-jwt')
    const { default: jwksRsa } = await import('jwks-rsa')
    app.use(
      jwt({
        secret: jwksRsa.koaJwtSecret({ jwksUri: env.jwksUri, cache: true, rateLimit: true }),
        audience: env.audience,
        issuer: env.issuer,
        algorithms: ['RS256', 'ES256'],
      }),
    )
    break
  }
  default:
    unknownVariant()
}

app.use((ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/') ctx.body = BODY
})

const server = app.listen(0, '127.0.0.1', () => announce(server.address().port))
