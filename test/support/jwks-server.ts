import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JWK } from 'jose'

export interface JwksServer {
  readonly url: string
  keys: JWK[]
  hits(): number
  close(): Promise<void>
}

/** Serves a JWKS on loopback, for key types and issuer shapes oidc-provider is not configured with. */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let hits = 0
  const state = { keys }
  const server = createServer((_req, res) => {
    hits++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: state.keys }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    get keys() {
      return state.keys
    },
    set keys(next: JWK[]) {
      state.keys = next
    },
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
