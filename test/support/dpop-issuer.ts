import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { clientCredentialsConfiguration } from '../../examples/local-issuer/src/index.js'
import { createTestKey } from './keys.js'
import { createQuietProvider } from './oidc-provider.js'
import { createProofKey, signProof, type ProofKey } from './dpop-proofs.js'

export const DPOP_RESOURCE = 'https://calendar.example.test'
const CLIENT_ID = 'task-service'
const CLIENT_SECRET = 'task-service-secret-0123456789abcdef'
const SCOPE = 'event.create event.view'

export interface DpopIssuer {
  readonly issuer: string
  /** A client-credentials token; bound to `key` (`cnf.jkt`) when one is given (RFC 9449 §5). */
  token(key?: ProofKey): Promise<{ accessToken: string; tokenType: string }>
  close(): Promise<void>
}

/**
 * The real oidc-provider with its `dPoP` feature on: it binds a client-credentials JWT access
 * token to the key of the DPoP proof the token request carries, exactly as in production.
 */
export async function startDpopIssuer(): Promise<DpopIssuer> {
  const signingKey = await createTestKey('RS256')
  const http = createServer()
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const base = clientCredentialsConfiguration({
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: SCOPE }],
    keys: [signingKey.privateJwk],
    resources: { [DPOP_RESOURCE]: SCOPE },
    accessTokenTTL: 300,
  })
  const provider = createQuietProvider(issuer, {
    ...base,
    features: { ...base.features, dPoP: { enabled: true } },
  })
  const handler = provider.callback()
  http.on('request', (req, res) => void handler(req, res))
  const tokenEndpoint = `${issuer}/token`
  return {
    issuer,
    async token(key) {
      const headers: Record<string, string> = {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      }
      if (key) headers.dpop = await signProof(key, { htm: 'POST', htu: tokenEndpoint })
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        resource: DPOP_RESOURCE,
        scope: SCOPE,
      })
      const response = await fetch(tokenEndpoint, { method: 'POST', headers, body })
      const json = (await response.json()) as { access_token?: string; token_type?: string }
      if (!response.ok || !json.access_token) {
        throw new Error(`token request failed: ${JSON.stringify(json)}`)
      }
      return { accessToken: json.access_token, tokenType: json.token_type ?? '' }
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections()
        http.close(() => resolve())
      }),
  }
}

export { createProofKey }
