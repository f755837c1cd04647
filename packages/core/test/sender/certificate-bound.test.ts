import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { createAuthenticator } from '@m2m-auth/core'
import { createTestKey, type TestKey } from '../../../../test/support/keys.js'
import { startJwksServer, type JwksServer } from '../../../../test/support/jwks-server.js'

// RFC 8705 §3: a token bound to a client certificate (cnf["x5t#S256"]) proves nothing unless
// the certificate is checked. Until this service checks certificates it refuses them.
const ISSUER = 'https://idp.example.test/'
const AUDIENCE = 'https://api.example.test'
let key: TestKey
let server: JwksServer

beforeAll(async () => {
  key = await createTestKey('RS256', 'k1')
  server = await startJwksServer([key.publicJwk])
})
afterAll(() => server.close())

const sign = (claims: Record<string, unknown>): Promise<string> =>
  new SignJWT({ sub: 'svc', scope: 'a', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey)

describe('certificate-bound tokens (RFC 8705)', () => {
  it('are refused as plain bearer tokens, with or without dpop configured, while an unbound token passes', async () => {
    for (const dpop of [undefined, {}]) {
      const auth = createAuthenticator({
        bearer: { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url, ...(dpop && { dpop }) },
      })
      const bound = await sign({
        cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
      })
      await expect(auth.authenticate({ authorization: `Bearer ${bound}` })).rejects.toMatchObject({
        status: 401,
        code: 'ERR_TOKEN_BINDING',
      })
      await expect(
        auth.authenticate({ authorization: `Bearer ${await sign({})}` }),
      ).resolves.toMatchObject({ subject: 'svc' })
    }
  })
})
