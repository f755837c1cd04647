import Provider, { errors, type Configuration, type JWK } from 'oidc-provider'
import type { DevClient, DevIssuerSetup } from './setup.js'

/**
 * oidc-provider for machine-to-machine tokens: the client-credentials grant (RFC 6749 §4.4),
 * RFC 8707 resource indicators whose resource servers get RFC 9068 JWTs or opaque tokens, and
 * RFC 7662 introspection. Imported only after the notices are quieted (see quiet-notices.ts).
 */
export function createProvider(issuer: string, setup: DevIssuerSetup, key: JWK): Provider {
  return new Provider(issuer, configuration(setup, key))
}

function configuration(setup: DevIssuerSetup, key: JWK): Configuration {
  const formats = new Map(setup.audiences.map((a) => [a.audience, a.format]))
  const scope = setup.scopes.join(' ')
  const clients = setup.introspection ? [...setup.clients, setup.introspection] : setup.clients
  return {
    clients: clients.map(clientMetadata),
    jwks: { keys: [key] },
    // API scopes must be declared, or they are not checked against a client's allowed scopes.
    scopes: [...setup.scopes],
    ttl: { ClientCredentials: setup.tokenTtl },
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RFC 7662 §2.1: only an authenticated (confidential) client may introspect.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none',
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => setup.audiences[0]!.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          const format = formats.get(resource)
          // RFC 8707 §2: an unknown resource is invalid_target.
          if (format === undefined) throw new errors.InvalidTarget()
          return {
            scope,
            audience: resource,
            accessTokenTTL: setup.tokenTtl,
            accessTokenFormat: format,
            ...(format === 'jwt' ? { jwt: { sign: { alg: 'RS256' as const } } } : {}),
          }
        },
      },
    },
  }
}

/** A client with no scopes (the introspection client) can authenticate but get no token. */
function clientMetadata(client: DevClient) {
  const grants = client.scopes.length > 0
  return {
    client_id: client.id,
    client_secret: client.secret,
    ...(grants ? { scope: client.scopes.join(' ') } : {}),
    grant_types: grants ? ['client_credentials'] : [],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic' as const,
  }
}
