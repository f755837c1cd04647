import express from 'express'
import { minimalHeaderVerifier } from '../lib/minimal.mjs'
import {
  announce,
  BODY,
  env,
  ourAuthenticator,
  ourAuthenticatorWithMetrics,
  unknownVariant,
} from '../lib/serve.mjs'

const app = express()
app.disable('x-powered-by')
app.disable('etag')

switch (env.variant) {
  case 'bare':
    break
  case 'empty':
    app.use((_req, _res, next) => next())
    break
  case 'minimal': {
    const check = await minimalHeaderVerifier(env)
    app.use((req, res, next) => {
      const payload = check(req.headers.authorization)
      if (payload === undefined) return void res.status(401).type('text/plain').send('denied')
      req.auth = payload
      next()
    })
    break
  }
  case 'ours': {
    const { authenticate } = await import('@m2m-auth/express')
    app.use(authenticate(await ourAuthenticator()))
    break
  }
  case 'ours-otel': {
    const { authenticate } = await import('@m2m-auth/express')
    app.use(authenticate(await ourAuthenticatorWithMetrics()))
    break
  }
  case 'express-oauth2-jwt-bearer': {
    const { auth } = await import('express-oauth2-jwt-bearer')
    app.use(
      auth({
        issuerBaseURL: env.issuer,
        audience: env.audience,
        tokenSigningAlg: process.env.BENCH_ALG,
      }),
    )
    break
  }
  case 'express-jwt': {
    const { expressjwt } = await import('express-jwt')
    const { default: jwksRsa } = await import('jwks-rsa')
    app.use(
      expressjwt({
        secret: jwksRsa.expressJwtSecret({ jwksUri: env.jwksUri, cache: true, rateLimit: true }),
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

app.get('/', (_req, res) => {
  res.type('text/plain').send(BODY)
})
// express-jwt reports failures through next(err); answer them without a stack.
app.use((err, _req, res, _next) => {
  res
    .status(err.status ?? err.statusCode ?? 500)
    .type('text/plain')
    .send('denied')
})

const server = app.listen(0, '127.0.0.1', () => announce(server.address().port))
