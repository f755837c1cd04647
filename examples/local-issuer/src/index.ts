/**
 * An embedded OAuth 2.0 / OpenID Connect issuer for the demo and the examples: the real
 * `oidc-provider` on 127.0.0.1, issuing client-credentials JWT access tokens (RFC 9068) for
 * the resources (audiences) it is told about. No accounts, no cloud; keys live in memory.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import Provider, { errors, type ClientMetadata, type Configuration } from 'oidc-provider'

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
  const clientTTL = new Map(options.clients.map((c) => [c.clientId, c.accessTokenTTL]))
  const configuration = clientCredentialsConfiguration({
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      scope: c.scope,
    })),
    keys: [jwk],
    resources: options.resources,
    accessTokenTTL: options.accessTokenTTL ?? 300,
    ttlFor: (clientId) => clientTTL.get(clientId),
  })
  return new Provider(issuer, configuration)
}

export interface ClientCredentialsSetup {
  /** Client metadata; grant, redirect and auth-method defaults are filled in. */
  clients: ClientMetadata[]
  /** Private signing JWKs; the first one signs. */
  keys: JWK[]
  /** Resource indicator (the token audience) -> the scopes that resource defines. */
  resources: Record<string, string>
  /** Seconds an access token lives. */
  accessTokenTTL: number
  /** Resource used when a request names none; `null` gives opaque tokens then. Default: the first. */
  defaultResource?: string | null
  /** A client's own access-token lifetime, overriding `accessTokenTTL`. */
  ttlFor?: (clientId: string) => number | undefined
}

/**
 * The oidc-provider configuration for machine-to-machine tokens: the client-credentials grant,
 * introspection, and RFC 8707 resource indicators whose resource servers get RFC 9068 JWT
 * access tokens. Shared by this embedded issuer and the test suite's issuer.
 */
export function clientCredentialsConfiguration(setup: ClientCredentialsSetup): Configuration {
  const { resources, accessTokenTTL } = setup
  const defaultResource =
    setup.defaultResource === undefined ? Object.keys(resources)[0] : setup.defaultResource
  return {
    clients: setup.clients.map((c) => ({
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      ...c,
    })),
    jwks: { keys: setup.keys },
    scopes: [...new Set(Object.values(resources).flatMap((s) => s.split(' ')))],
    // The resource server's lifetime (per client) decides; a fixed number here would win over it.
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTTL,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => defaultResource ?? undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => {
          const scope = resources[resource]
          if (scope === undefined) throw new errors.InvalidTarget()
          return {
            scope,
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: setup.ttlFor?.(client.clientId) ?? accessTokenTTL,
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
  }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
