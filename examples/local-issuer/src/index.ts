/**
 * An embedded OAuth 2.0 / OpenID Connect issuer for the demo and the examples: the real
 * `oidc-provider` on 127.0.0.1, issuing client-credentials JWT access tokens (RFC 9068) for
 * the resources (audiences) it is told about. No accounts, no cloud; keys live in memory.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider, { errors, type ClientMetadata } from 'oidc-provider'

export interface LocalClient {
  clientId: string
  clientSecret: string
  /** Scopes this client may request. */
  scope: string
  /** Seconds this client's access tokens live; overrides `accessTokenTTL` (e.g. a short-lived demo client). */
  accessTokenTTL?: number
}

export interface LocalIssuerOptions {
  clients: LocalClient[]
  /** Resource indicator (the token audience) -> the scopes that resource defines. */
  resources: Record<string, string>
  /** Seconds an access token lives. Default 300. */
  accessTokenTTL?: number
  port?: number
}

export interface LocalIssuer {
  readonly issuer: string
  readonly tokenEndpoint: string
  close(): Promise<void>
}

export async function startLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = await createProvider(issuer, options)
  const handler = provider.callback()
  server.on('request', (req, res) => void handler(req, res))
  return { issuer, tokenEndpoint: `${issuer}/token`, close: () => close(server) }
}

async function createProvider(issuer: string, options: LocalIssuerOptions): Promise<Provider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), kid: 'local-1', alg: 'RS256', use: 'sig' }
  const ttl = options.accessTokenTTL ?? 300
  const resources = options.resources
  const clientTTL = new Map(options.clients.map((c) => [c.clientId, c.accessTokenTTL ?? ttl]))
  const clients: ClientMetadata[] = options.clients.map((c) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    scope: c.scope,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  }))
  return new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    scopes: [...new Set(Object.values(resources).flatMap((s) => s.split(' ')))],
    // The resource server's lifetime (per client, see below) decides; a fixed number here would win over it.
    ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => Object.keys(resources)[0]!,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => {
          const scope = resources[resource]
          if (scope === undefined) throw new errors.InvalidTarget()
          return {
            scope,
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: clientTTL.get(client.clientId) ?? ttl,
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
