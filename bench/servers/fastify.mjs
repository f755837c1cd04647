import Fastify from 'fastify'
import { minimalHeaderVerifier } from '../lib/minimal.mjs'
import {
  announce,
  BODY,
  env,
  ourAuthenticator,
  ourAuthenticatorWithMetrics,
  unknownVariant,
} from '../lib/serve.mjs'

const app = Fastify({ logger: false })

switch (env.variant) {
  case 'bare':
    break
  case 'empty':
    app.addHook('onRequest', (_request, _reply, done) => done())
    break
  case 'minimal': {
    const check = await minimalHeaderVerifier(env)
    app.decorateRequest('user', null)
    app.addHook('onRequest', (request, reply, done) => {
      const payload = check(request.headers.authorization)
      if (payload === undefined) return void reply.code(401).send('denied')
      request.user = payload
      done()
    })
    break
  }
  case 'ours': {
    const { m2mAuth } = await import('@m2m-auth/fastify')
    await app.register(m2mAuth, { authenticator: await ourAuthenticator() })
    app.addHook('onRequest', app.authenticate)
    break
  }
  case 'ours-otel': {
    const { m2mAuth } = await import('@m2m-auth/fastify')
    await app.register(m2mAuth, { authenticator: await ourAuthenticatorWithMetrics() })
    app.addHook('onRequest', app.authenticate)
    break
  }
  case '@fastify/jwt': {
    // The JWKS recipe from @fastify/jwt's README: get-jwks resolves the key by kid and iss.
    const { default: fastifyJwt } = await import('@fastify/jwt')
    const { default: buildGetJwks } = await import('get-jwks')
    const getJwks = buildGetJwks({ allowedDomains: [env.issuer] })
    await app.register(fastifyJwt, {
      decode: { complete: true },
      secret: (_request, token) =>
        getJwks.getPublicKey({
          kid: token.header.kid,
          alg: token.header.alg,
          domain: token.payload.iss,
        }),
      verify: { allowedIss: env.issuer, allowedAud: env.audience },
    })
    app.addHook('onRequest', (request) => request.jwtVerify())
    break
  }
  case 'fastify-auth0-verify': {
    const { default: auth0Verify } = await import('fastify-auth0-verify')
    await app.register(auth0Verify, {
      domain: env.issuer,
      issuer: env.issuer,
      audience: env.audience,
    })
    app.addHook('onRequest', app.authenticate)
    break
  }
  default:
    unknownVariant()
}

app.get('/', (_request, reply) => {
  reply.type('text/plain').send(BODY)
})

await app.listen({ port: 0, host: '127.0.0.1' })
announce(app.server.address().port)
