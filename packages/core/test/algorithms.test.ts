import {
  createPrivateKey,
  generateKeyPairSync,
  sign as cryptoSign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportJWK, SignJWT } from 'jose'
import { createAuthenticator } from '@m2m-auth/core'
import { ASYMMETRIC_ALGORITHMS } from '../src/bearer/algorithms.js'
import { rejection } from '../../../test/support/assert.js'
import { createTestKey, type TestKey } from '../../../test/support/keys.js'
import { startJwksServer, type JwksServer } from '../../../test/support/jwks-server.js'

const ISSUER = 'https://idp.example.test/'
const AUDIENCE = 'https://api.example.test'
const ALGORITHMS = ASYMMETRIC_ALGORITHMS

let server: JwksServer
const keys = new Map<string, TestKey>()

beforeAll(async () => {
  for (const alg of ALGORITHMS) keys.set(alg, await createTestKey(alg, `kid-${alg}`))
  server = await startJwksServer([...keys.values()].map((k) => k.publicJwk))
})
afterAll(() => server.close())

const authenticator = (extra: object = {}) =>
  createAuthenticator({
    bearer: { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url, ...extra },
  })

function sign(
  key: TestKey,
  header: Record<string, unknown> = {},
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({
    sub: 'svc',
    scope: 'a b',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey)
}

/** Signs with node:crypto directly, for tokens jose rightly refuses to produce. */
function signRaw(header: object, claims: object, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
  return `${input}.${cryptoSign('sha256', Buffer.from(input), key).toString('base64url')}`
}

const claimsNow = (): object => ({
  sub: 'svc',
  iss: ISSUER,
  aud: AUDIENCE,
  exp: Math.floor(Date.now() / 1000) + 300,
})

describe('JWS algorithms', () => {
  it.each(ALGORITHMS)('verifies %s with node:crypto against the JWKS key', async (alg) => {
    const token = await sign(keys.get(alg)!)
    await expect(
      authenticator().authenticate({ authorization: `Bearer ${token}` }),
    ).resolves.toMatchObject({
      subject: 'svc',
      issuer: ISSUER,
    })
  })

  it.each(ALGORITHMS)('rejects a %s token whose signature was tampered with', async (alg) => {
    const token = await sign(keys.get(alg)!)
    const [h, p, s] = token.split('.') as [string, string, string]
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`
    const error = await rejection(
      authenticator().authenticate({ authorization: `Bearer ${h}.${p}.${flipped}` }),
    )
    expect(error.code).toBe('ERR_TOKEN_SIGNATURE')
  })

  it('rejects an algorithm outside the configured allowlist', async () => {
    const token = await sign(keys.get('ES256')!)
    const error = await rejection(
      authenticator({ algorithms: ['RS256'] }).authenticate({ authorization: `Bearer ${token}` }),
    )
    expect(error.code).toBe('ERR_TOKEN_ALGORITHM')
  })

  it("refuses a header alg that does not fit the key's type (RSA key, ES256 header)", async () => {
    const rsa = keys.get('RS256')!
    const ec = keys.get('ES256')!
    // Signed by the EC key but naming the RSA key's kid: the key type must match the algorithm.
    const token = await new SignJWT({ sub: 'svc' })
      .setProtectedHeader({ alg: 'ES256', kid: rsa.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(ec.privateKey)
    const error = await rejection(
      authenticator().authenticate({ authorization: `Bearer ${token}` }),
    )
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_KEY_UNKNOWN')
  })

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const weak = await startJwksServer([
      { ...(await exportJWK(publicKey)), kid: 'weak', alg: 'RS256' },
    ])
    try {
      const token = signRaw({ alg: 'RS256', kid: 'weak' }, claimsNow(), privateKey)
      const auth = createAuthenticator({
        bearer: { issuer: ISSUER, audience: AUDIENCE, jwksUri: weak.url },
      })
      const error = await rejection(auth.authenticate({ authorization: `Bearer ${token}` }))
      expect(error.status).toBe(401)
    } finally {
      await weak.close()
    }
  })

  it('accepts HS256 only with a configured secret, compared in constant time', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!!'
    const token = await new SignJWT({ sub: 'svc' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret))
    const withSecret = authenticator({ algorithms: ['HS256'], secret })
    await expect(
      withSecret.authenticate({ authorization: `Bearer ${token}` }),
    ).resolves.toMatchObject({ subject: 'svc' })
    const error = await rejection(
      authenticator().authenticate({ authorization: `Bearer ${token}` }),
    )
    expect(error.code).toBe('ERR_TOKEN_ALGORITHM')
    const wrong = authenticator({
      algorithms: ['HS256'],
      secret: 'another-shared-secret-of-32-bytes-or-more',
    })
    expect((await rejection(wrong.authenticate({ authorization: `Bearer ${token}` }))).code).toBe(
      'ERR_TOKEN_SIGNATURE',
    )
  })

  it('accepts at+jwt and plain JWT types by default, and can require at+jwt (RFC 9068)', async () => {
    const key = keys.get('RS256')!
    const plain = await sign(key, { typ: 'JWT' })
    const typed = await sign(key, { typ: 'at+jwt' })
    const idToken = await sign(key, { typ: 'logout+jwt' })
    await expect(
      authenticator().authenticate({ authorization: `Bearer ${plain}` }),
    ).resolves.toBeDefined()
    expect(
      (await rejection(authenticator().authenticate({ authorization: `Bearer ${idToken}` }))).code,
    ).toBe('ERR_TOKEN_TYPE')
    const strict = authenticator({ requireAccessTokenType: true })
    await expect(strict.authenticate({ authorization: `Bearer ${typed}` })).resolves.toBeDefined()
    expect((await rejection(strict.authenticate({ authorization: `Bearer ${plain}` }))).code).toBe(
      'ERR_TOKEN_TYPE',
    )
  })

  it('rejects unknown crit header parameters (RFC 7515 §4.1.11)', async () => {
    const rsa = createPrivateKey({
      key: keys.get('RS256')!.privateJwk as JsonWebKey,
      format: 'jwk',
    })
    const token = signRaw(
      { alg: 'RS256', kid: 'kid-RS256', crit: ['b64'], b64: true },
      claimsNow(),
      rsa,
    )
    const plain = signRaw({ alg: 'RS256', kid: 'kid-RS256' }, claimsNow(), rsa)
    await expect(
      authenticator().authenticate({ authorization: `Bearer ${plain}` }),
    ).resolves.toBeDefined()
    expect(
      (await rejection(authenticator().authenticate({ authorization: `Bearer ${token}` }))).status,
    ).toBe(401)
  })

  it('tolerates small clock skew on exp and nbf, and no more', async () => {
    const key = keys.get('RS256')!
    const now = Math.floor(Date.now() / 1000)
    const justExpired = await sign(key, {}, { exp: now - 3 })
    const longExpired = await sign(key, {}, { exp: now - 30 })
    const almostValid = await sign(key, {}, { nbf: now + 3 })
    const auth = authenticator({ clockTolerance: 5 })
    await expect(
      auth.authenticate({ authorization: `Bearer ${justExpired}` }),
    ).resolves.toBeDefined()
    await expect(
      auth.authenticate({ authorization: `Bearer ${almostValid}` }),
    ).resolves.toBeDefined()
    expect(
      (await rejection(auth.authenticate({ authorization: `Bearer ${longExpired}` }))).code,
    ).toBe('ERR_TOKEN_EXPIRED')
  })

  it('accepts aud as an array containing one of the configured audiences', async () => {
    const token = await sign(keys.get('RS256')!, {}, { aud: ['https://other.test', AUDIENCE] })
    await expect(
      authenticator().authenticate({ authorization: `Bearer ${token}` }),
    ).resolves.toBeDefined()
  })

  it('reads scopes from scp arrays and records the claim used', async () => {
    const key = keys.get('RS256')!
    const token = await new SignJWT({ sub: 'svc', scp: ['x', 'y'] })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(key.privateKey)
    const principal = await authenticator().authenticate({ authorization: `Bearer ${token}` })
    expect([...principal.scopes]).toEqual(['x', 'y'])
    expect(principal.scopeClaim).toBe('scp')
    expect(Object.isFrozen(principal)).toBe(true)
    expect(() => (principal.scopes as Set<string>).add('admin')).toThrow(TypeError)
  })
})
