import { createHash } from 'node:crypto'
import {
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  jwtVerify,
  type JWK,
} from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient, memoryStore, type TokenClientOptions } from '@m2m-auth/core'
import { createTestKey, type TestKey } from '../../../../test/support/keys.js'
import {
  CLIENT_ID,
  CLIENT_SECRET,
  RESOURCE,
  startDPoPIssuer,
  type DPoPIssuer,
} from './dpop-issuer.js'
import {
  startLoopbackServer,
  type Answer,
  type LoopbackServer,
  type Recorded,
} from './loopback-server.js'

let issuer: DPoPIssuer
let key: TestKey
const servers: LoopbackServer[] = []

beforeAll(async () => {
  issuer = await startDPoPIssuer()
  key = await createTestKey('ES256')
})
afterAll(() => issuer?.close())
afterEach(async () => {
  issuer.requireNonce = false
  issuer.tokenRequests.length = 0
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const options = (more: Partial<TokenClientOptions> = {}): TokenClientOptions =>
  ({
    issuer: issuer.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scope: 'event.create',
    resource: RESOURCE,
    dpop: { privateKey: key.privateJwk },
    ...more,
  }) as TokenClientOptions

async function api(answer: (request: Recorded) => Answer = () => ({ status: 200 })) {
  const server = await startLoopbackServer(answer)
  servers.push(server)
  return server
}

/** A proof as the resource server would check it (RFC 9449 §4.3), signature included. */
async function verifiedProof(proof: unknown) {
  expect(typeof proof).toBe('string')
  const { payload, protectedHeader } = await jwtVerify(proof as string, EmbeddedJWK, {
    typ: 'dpop+jwt',
  })
  return { payload, jwk: protectedHeader.jwk as JWK }
}

const ath = (token: string): string => createHash('sha256').update(token).digest('base64url')
const proofOf = (headers: Recorded['headers']) => decodeJwt(String(headers.dpop))
/** The proof's nonce, for a server's answer: a request without a proof has none. */
const nonceOf = (headers: Recorded['headers']): unknown =>
  typeof headers.dpop === 'string' ? decodeJwt(headers.dpop).nonce : undefined

describe('DPoP-bound tokens from oidc-provider (RFC 9449 §5)', () => {
  it('obtains a token bound (cnf.jkt) to the RFC 7638 thumbprint of dpop.privateKey, and caches it', async () => {
    const client = createTokenClient(options())
    const token = await client.getAccessToken()
    expect(token.tokenType.toLowerCase()).toBe('dpop')
    expect(token.headers).toEqual({ authorization: `DPoP ${token.accessToken}` })
    const cnf = decodeJwt(token.accessToken).cnf as { jkt?: string }
    expect(cnf.jkt).toBe(await calculateJwkThumbprint(key.publicJwk))
    // The token request itself carried a proof for POST to the token endpoint.
    const sent = await verifiedProof(issuer.tokenRequests[0]?.dpop)
    expect(sent.payload).toMatchObject({ htm: 'POST', htu: `${issuer.issuer}/token` })
    expect(await client.getToken()).toBe(token.accessToken)
    expect(issuer.tokenRequests).toHaveLength(1)
  })

  it('with dpop: true binds the token to a fresh key of its own, the one its proofs carry', async () => {
    const client = createTokenClient(options({ dpop: true }))
    const server = await api()
    await client.fetch(`${server.url}/events`)
    const token = String(server.requests[0]!.headers.authorization).replace(/^DPoP /, '')
    const { jwk } = await verifiedProof(server.requests[0]!.headers.dpop)
    expect(jwk.d).toBeUndefined()
    expect((decodeJwt(token).cnf as { jkt: string }).jkt).toBe(await calculateJwkThumbprint(jwk))
    expect(decodeProtectedHeader(String(server.requests[0]!.headers.dpop)).alg).toBe('ES256')
  })
})

describe('client.fetch with DPoP (RFC 9449 §7)', () => {
  it('sends Authorization: DPoP and a fresh proof per request, with htm, htu, ath and a unique jti', async () => {
    const client = createTokenClient(options())
    const server = await api()
    const token = await client.getToken()
    await client.fetch(`${server.url}/events?page=2#top`)
    await client.fetch(`${server.url}/events`, { method: 'POST', body: '{}' })
    await client.fetch(new Request(`${server.url}/events/7`, { method: 'PUT', body: 'x' }))
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(
      Array(3).fill(`DPoP ${token}`),
    )
    const proofs = await Promise.all(server.requests.map((r) => verifiedProof(r.headers.dpop)))
    expect(proofs.map((p) => [p.payload.htm, p.payload.htu])).toEqual([
      ['GET', `${server.url}/events`], // RFC 9449 §4.2: htu without query and fragment
      ['POST', `${server.url}/events`],
      ['PUT', `${server.url}/events/7`],
    ])
    for (const { payload, jwk } of proofs) {
      expect(payload.ath).toBe(ath(token))
      expect(await calculateJwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(key.publicJwk))
      expect(payload.nonce).toBeUndefined()
    }
    expect(new Set(proofs.map((p) => p.payload.jti)).size).toBe(3)
    expect(server.requests[2]!.body).toBe('x')
  })

  it('answers a resource server use_dpop_nonce 401 with exactly one retry carrying the nonce, and remembers it', async () => {
    const client = createTokenClient(options())
    const server = await api((request) =>
      nonceOf(request.headers) === 'rs-nonce-1'
        ? { status: 200, json: { ok: true } }
        : {
            status: 401,
            headers: {
              'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="nonce"',
              'dpop-nonce': 'rs-nonce-1',
            },
          },
    )
    const first = await client.fetch(`${server.url}/events`, { method: 'POST', body: '{"a":1}' })
    expect(first.status).toBe(200)
    expect(server.requests.map((r) => proofOf(r.headers).nonce)).toEqual([undefined, 'rs-nonce-1'])
    expect(server.requests[1]!.body).toBe('{"a":1}')
    const [a, b] = server.requests.map((r) => proofOf(r.headers).jti)
    expect(a).not.toBe(b) // the retry is a new proof, not a replay
    expect((await client.fetch(`${server.url}/events`)).status).toBe(200)
    expect(server.requests).toHaveLength(3) // remembered: no 401 this time
    expect(proofOf(server.requests[2]!.headers).nonce).toBe('rs-nonce-1')
    const headers = await client.headersFor('GET', `${server.url}/x`)
    expect(decodeJwt(headers.dpop!).nonce).toBe('rs-nonce-1')
  })

  it('retries a use_dpop_nonce 401 only once: a server that keeps asking gets its 401 back', async () => {
    const client = createTokenClient(options())
    let n = 0
    const server = await api(() => ({
      status: 401,
      headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `n-${++n}` },
    }))
    expect((await client.fetch(`${server.url}/events`)).status).toBe(401)
    expect(server.requests).toHaveLength(2)
  })

  it('uses the nonce a server rotates on a successful response (RFC 9449 §8.2)', async () => {
    const client = createTokenClient(options())
    const server = await api(() => ({ status: 200, headers: { 'dpop-nonce': 'rotated-2' } }))
    await client.fetch(`${server.url}/events`)
    await client.fetch(`${server.url}/events`)
    expect(server.requests.map((r) => proofOf(r.headers).nonce)).toEqual([undefined, 'rotated-2'])
  })

  it('keeps nonces per origin: one server’s nonce never goes to another', async () => {
    const client = createTokenClient(options())
    const one = await api(() => ({ status: 200, headers: { 'dpop-nonce': 'only-for-one' } }))
    const two = await api()
    await client.fetch(`${one.url}/a`)
    await client.fetch(`${two.url}/a`)
    expect(proofOf(two.requests[0]!.headers).nonce).toBeUndefined()
  })

  it('gets a fresh token and retries once when the API answers DPoP error="invalid_token"', async () => {
    const client = createTokenClient(options())
    const server = await api((request) =>
      server.requests.indexOf(request) === 0
        ? { status: 401, headers: { 'www-authenticate': 'DPoP error="invalid_token"' } }
        : { status: 200 },
    )
    expect((await client.fetch(`${server.url}/events`)).status).toBe(200)
    expect(issuer.tokenRequests).toHaveLength(2)
    const [first, second] = server.requests.map((r) => String(r.headers.authorization))
    expect(first).not.toBe(second)
    expect(proofOf(server.requests[1]!.headers).ath).toBe(ath(second!.slice(5)))
  })
})

describe('DPoP nonce at the token endpoint (RFC 9449 §8)', () => {
  it('answers use_dpop_nonce from oidc-provider with one retry carrying its nonce, and remembers it', async () => {
    issuer.requireNonce = true
    const client = createTokenClient(options())
    const token = await client.getToken()
    expect(decodeJwt(token).cnf).toBeDefined()
    const nonces = issuer.tokenRequests.map((h) => proofOf(h).nonce)
    expect(nonces).toHaveLength(2)
    expect(nonces[0]).toBeUndefined()
    expect(typeof nonces[1]).toBe('string')
    client.invalidate()
    await client.getToken()
    expect(issuer.tokenRequests).toHaveLength(3) // remembered: no second use_dpop_nonce
    expect(proofOf(issuer.tokenRequests[2]!).nonce).toBe(nonces[1])
  })
})

describe('what the issuer and the options decide', () => {
  it('sends a Bearer answer to a DPoP token request as an unbound Bearer token, without a proof', async () => {
    const tokens = await api(() => ({
      json: { access_token: 'unbound-token-0123', token_type: 'Bearer', expires_in: 60 },
    }))
    const client = createTokenClient(
      options({ issuer: undefined, tokenEndpoint: `${tokens.url}/token`, dpop: true }),
    )
    const server = await api()
    await client.fetch(`${server.url}/events`)
    expect(tokens.requests[0]!.headers.dpop).toBeDefined() // we asked for binding
    expect(server.requests[0]!.headers.authorization).toBe('Bearer unbound-token-0123')
    expect(server.requests[0]!.headers.dpop).toBeUndefined()
    expect(await client.headersFor('GET', server.url)).toEqual({
      authorization: 'Bearer unbound-token-0123',
    })
  })

  it('shares a DPoP-bound token through the store only between clients with the same key', async () => {
    const store = memoryStore()
    const a = createTokenClient(options({ store }))
    const b = createTokenClient(options({ store }))
    const other = await createTestKey('ES256')
    const c = createTokenClient(options({ store, dpop: { privateKey: other.privateJwk } }))
    expect(await b.getToken()).toBe(await a.getToken())
    expect(issuer.tokenRequests).toHaveLength(1)
    const third = await c.getToken()
    expect(issuer.tokenRequests).toHaveLength(2)
    expect((decodeJwt(third).cnf as { jkt: string }).jkt).toBe(
      await calculateJwkThumbprint(other.publicJwk),
    )
  })

  it('refuses "store" with dpop: true, whose key no other replica holds', () => {
    expect(() => createTokenClient(options({ store: memoryStore(), dpop: true }))).toThrow(
      /"store" cannot share tokens bound to "dpop: true"/,
    )
  })

  it.each([
    ['a public JWK', () => key.publicJwk],
    ['a symmetric JWK', () => ({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' })],
    ['a broken PEM', () => '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----'],
    ['a number', () => 42],
  ])('refuses %s as dpop.privateKey with a TypeError that does not echo it', (_, value) => {
    const privateKey = value()
    let error: unknown
    try {
      createTokenClient(options({ dpop: { privateKey } as never }))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(TypeError)
    expect(String(error)).toMatch(/"dpop\.privateKey" must be/)
    expect(String(error)).not.toContain('bm90IGEga2V5')
    expect(String(error)).not.toContain('c2VjcmV0')
  })

  it('refuses dpop with a preset whose issuer speaks no DPoP, and a malformed dpop', () => {
    expect(() =>
      createTokenClient({
        issuer: 'https://example.loginradius.com',
        clientId: 'x',
        clientSecret: 'y',
        preset: 'loginradius',
        dpop: true,
      }),
    ).toThrow(/"dpop" is not supported by this preset/)
    expect(() => createTokenClient(options({ dpop: 'yes' as never }))).toThrow(
      /"dpop" must be true or \{ privateKey \}/,
    )
    expect(() => createTokenClient(options({ dpop: { privateKy: 1 } as never }))).toThrow(
      /"dpop.privateKy" is not a known option \(did you mean "privateKey"\?\)/,
    )
  })
})
