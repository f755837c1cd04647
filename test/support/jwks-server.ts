import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT, type JWTPayload } from 'jose'
import { createTestKey, type TestKey } from './keys.js'

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
  let hits = 0
  const server = createServer((_req, res) => {
    hits++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [key.publicJwk] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const now = Math.floor(Date.now() / 1000)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    key,
    hits: () => hits,
    sign: (claims, header = {}) =>
      new SignJWT({ iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
        .sign(key.privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
