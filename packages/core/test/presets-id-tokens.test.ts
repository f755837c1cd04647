import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator } from '@m2m-auth/core'
import { rejection } from '../../../test/support/assert.js'
import { startJwks, type LoopbackJwks } from '../../../test/support/jwks-server.js'
import { API, AUTH0, CASES, type Options } from './id-token-cases.js'

// Each issuer signs its ID tokens with the same keys as its access tokens, and an ID token's
// `aud` is the client id, which a service may well list as an accepted audience (Keycloak
// accepts it from `azp`, Entra v2 APIs use their client id). Every case below signs with the
// right key, the right `iss` and an accepted audience: only the token's kind differs.
let jwks: LoopbackJwks
beforeAll(async () => {
  jwks = await startJwks()
})
afterAll(() => jwks.close())

function authenticate(options: Options, token: string) {
  const auth = createAuthenticator({ bearer: { ...options, jwksUri: jwks.url }, cache: false })
  const headers =
    options.preset === 'capillary'
      ? { rawHeaders: ['X-CAP-API-OAUTH-TOKEN', token] }
      : { authorization: `Bearer ${token}` }
  return auth.authenticate(headers)
}

describe.each(CASES)('$name', ({ options, access, accessHeader, refused }) => {
  it('accepts its access token', async () => {
    const token = await jwks.sign(access, accessHeader)
    await expect(authenticate(options, token)).resolves.toMatchObject({ scheme: 'bearer' })
  })

  it.each(Object.entries(refused))('refuses %s with 401 invalid_token', async (_, claims) => {
    const error = await rejection(authenticate(options, await jwks.sign(claims, { typ: 'JWT' })))
    expect(error.status).toBe(401)
    expect(error.error).toBe('invalid_token')
    expect(error.message).not.toMatch(/audience|issuer|signature/)
  })
})

describe('ID token refusals', () => {
  it('say why in a short description', async () => {
    const [entra, keycloak] = [CASES[2]!, CASES[4]!]
    const entraId = await jwks.sign(entra.refused['a v2 ID token with app roles']!)
    expect((await rejection(authenticate(entra.options, entraId))).message).toBe(
      'the token is not an access token (it has no azp or appid)',
    )
    const withNonce = await jwks.sign(entra.refused['a v2 ID token with nonce']!)
    expect((await rejection(authenticate(entra.options, withNonce))).message).toBe(
      'the token is an ID token (it has nonce)',
    )
    const keycloakId = await jwks.sign(keycloak.refused['an ID token (typ ID)']!)
    expect((await rejection(authenticate(keycloak.options, keycloakId))).message).toBe(
      'the token typ claim is not Bearer',
    )
  })

  it('accepts an RFC 9068 at+jwt token from Auth0 (client_id instead of azp)', async () => {
    const token = await jwks.sign(
      { iss: AUTH0, sub: 'auth0|1', aud: API, client_id: 'Xq7Ht1', jti: 'j1', scope: 'a' },
      { typ: 'at+jwt' },
    )
    await expect(authenticate(CASES[0]!.options, token)).resolves.toMatchObject({
      clientId: 'Xq7Ht1',
    })
  })
})
