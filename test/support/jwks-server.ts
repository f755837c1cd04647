import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT, type JWK, type JWTPayload } from 'jose'
import { createTestKey, type TestKey } from './keys.js'

export interface JwksServer {
  readonly url: string
  keys: JWK[]
  hits(): number
  close(): Promise<void>
}

/** Serves a JWKS on loopback, for key types and issuer shapes oidc-provider is not configured with. */
export async function startJwksServer(keys: JWK[], path = '/jwks'): Promise<JwksServer> {
  let hits = 0
  const state = { keys }
  const server = createServer((_req, res) => {
    hits++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: state.keys }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    get keys() {
      return state.keys
    },
    set keys(next: JWK[]) {
      state.keys = next
    },
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A third-party issuer's key set, served from loopback, and a signer for its token shapes. */
export interface LoopbackJwks {
  readonly url: string
  readonly key: TestKey
  hits(): number
  /** Signs claims with the served key; `iat` and a 5-minute `exp` unless given. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>
  close(): Promise<void>
}

export async function startJwks(alg = 'RS256'): Promise<LoopbackJwks> {
  const key = await createTestKey(alg)
  const server = await startJwksServer([key.publicJwk], '/jwks.json')
  const now = Math.floor(Date.now() / 1000)
  return {
    url: server.url,
    key,
    hits: server.hits,
    sign: (claims, header = {}) =>
      new SignJWT({ iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
        .sign(key.privateKey),
    close: server.close,
  }
}
