import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { clientCredentialsConfiguration } from '../../../../examples/local-issuer/src/index.js'
import { createTestKey } from '../../../../test/support/keys.js'
import { createQuietProvider } from '../../../../test/support/oidc-provider.js'

export const RESOURCE = 'https://calendar.example.test'
export const CLIENT_ID = 'task-service'
export const CLIENT_SECRET = 'task-service-secret-0123456789abcdef'

export interface DPoPIssuer {
  readonly issuer: string
  /** Every request the token endpoint received, with its headers. */
  readonly tokenRequests: IncomingHttpHeaders[]
  /** Whether the token endpoint demands a DPoP nonce (RFC 9449 §8). */
  requireNonce: boolean
  close(): Promise<void>
}

/**
 * The real oidc-provider with DPoP (RFC 9449) on: client-credentials JWT access tokens for
 * RESOURCE, bound with `cnf.jkt` when the request carries a proof, and server nonces
 * (`features.dPoP.nonceSecret`) demanded while `requireNonce` is set.
 */
export async function startDPoPIssuer(): Promise<DPoPIssuer> {
  const key = await createTestKey('RS256')
  const http = createServer()
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const state = { requireNonce: false }
  const base = clientCredentialsConfiguration({
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'event.create' }],
    keys: [key.privateJwk],
    resources: { [RESOURCE]: 'event.create' },
    accessTokenTTL: 300,
  })
  const provider = createQuietProvider(issuer, {
    ...base,
    features: {
      ...base.features,
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        requireNonce: () => state.requireNonce,
      },
    },
  })
  const handler = provider.callback()
  const tokenRequests: IncomingHttpHeaders[] = []
  http.on('request', (req, res) => {
    if (req.url === '/token') tokenRequests.push(req.headers)
    void handler(req, res)
  })
  return {
    issuer,
    tokenRequests,
    get requireNonce() {
      return state.requireNonce
    },
    set requireNonce(value: boolean) {
      state.requireNonce = value
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections()
        http.close(() => resolve())
      }),
  }
}
