import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { createAuthenticator } from '@m2m-auth/core'
import { rejection } from '../../../test/support/assert.js'
import { createTestKey, type TestKey } from '../../../test/support/keys.js'
import { startJwksServer, type JwksServer } from '../../../test/support/jwks-server.js'

// RFC 7517 §4.5: during a rotation an issuer may publish the outgoing and the incoming key
// under the same `kid`; each key that matches the token's kid, kty and alg is tried.
const ISSUER = 'https://idp.example.test/'
const AUDIENCE = 'https://api.example.test'
const SHARED_KID = 'rotating'

let outgoing: TestKey
let incoming: TestKey
let stranger: TestKey
let server: JwksServer

beforeAll(async () => {
  outgoing = await createTestKey('RS256', SHARED_KID)
  incoming = await createTestKey('RS256', SHARED_KID)
  stranger = await createTestKey('RS256', SHARED_KID)
  server = await startJwksServer([outgoing.publicJwk, incoming.publicJwk])
})
afterAll(() => server.close())

function authenticatorFor(jwksUri: string) {
  return createAuthenticator({
    bearer: { issuer: ISSUER, audience: AUDIENCE, jwksUri },
    cache: false,
  })
}

function sign(key: TestKey, header: { kid?: string } = { kid: key.kid }): Promise<string> {
  return new SignJWT({ sub: 'svc', scope: 'a' })
    .setProtectedHeader({ alg: key.alg, ...header })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey)
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('a JWKS with several keys under one kid (key rotation)', () => {
  it('accepts tokens signed by either key that shares the kid', async () => {
    const auth = authenticatorFor(server.url)
    for (const key of [outgoing, incoming, outgoing, incoming]) {
      await expect(auth.authenticate(bearer(await sign(key)))).resolves.toMatchObject({
        subject: 'svc',
      })
    }
  })

  it('accepts both keys after prefetch, without refetching the JWKS', async () => {
    const auth = authenticatorFor(server.url)
    await auth.prefetch()
    const hits = server.hits()
    for (const key of [incoming, outgoing]) {
      await expect(auth.authenticate(bearer(await sign(key)))).resolves.toMatchObject({
        subject: 'svc',
      })
    }
    expect(server.hits()).toBe(hits)
  })

  it('refuses a token signed by a third key under the same kid with 401 invalid_token', async () => {
    const auth = authenticatorFor(server.url)
    const error = await rejection(auth.authenticate(bearer(await sign(stranger))))
    expect(error.status).toBe(401)
    expect(error.error).toBe('invalid_token')
    expect(error.code).toBe('ERR_TOKEN_SIGNATURE')
  })

  it('tries at most 4 keys under one kid, so a crowded JWKS costs at most 4 signature checks', async () => {
    const extra = [
      await createTestKey('RS256', SHARED_KID),
      await createTestKey('RS256', SHARED_KID),
    ]
    const crowded = await startJwksServer(
      [outgoing, incoming, stranger, ...extra].map((k) => k.publicJwk),
    )
    try {
      const auth = authenticatorFor(crowded.url)
      await expect(auth.authenticate(bearer(await sign(extra[0]!)))).resolves.toBeDefined()
      const fifth = await rejection(auth.authenticate(bearer(await sign(extra[1]!))))
      expect(fifth.status).toBe(401)
      expect(fifth.code).toBe('ERR_TOKEN_SIGNATURE')
    } finally {
      await crowded.close()
    }
  })
})

describe('a token without kid', () => {
  it('is verified by the only key that matches its alg', async () => {
    const single = await startJwksServer([outgoing.publicJwk])
    try {
      await expect(
        authenticatorFor(single.url).authenticate(bearer(await sign(outgoing, {}))),
      ).resolves.toBeDefined()
    } finally {
      await single.close()
    }
  })

  it('is verified against each matching key when several match', async () => {
    const auth = authenticatorFor(server.url)
    for (const key of [incoming, outgoing]) {
      await expect(auth.authenticate(bearer(await sign(key, {})))).resolves.toBeDefined()
    }
    const error = await rejection(auth.authenticate(bearer(await sign(stranger, {}))))
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_SIGNATURE')
  })
})
