import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT, type JWTPayload } from 'jose'
import type Provider from 'oidc-provider'
// Before the local issuer, which imports oidc-provider too: this one loads it quietly.
import { createQuietProvider } from './oidc-provider.js'
import { clientCredentialsConfiguration } from '../../examples/local-issuer/src/index.js'
import { createTestKey, type TestKey } from './keys.js'
import { startProxy, type FaultProxy } from './proxy.js'

export interface TestClient {
  client_id: string
  client_secret?: string
  scope: string
  token_endpoint_auth_method?:
    'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'
  jwks?: { keys: object[] }
}

export interface IssuerSetup {
  /** Clients allowed the client-credentials grant. */
  clients?: TestClient[]
  /** Resource servers (audiences) that get JWT access tokens, with the scopes they define. */
  resources?: Record<string, string>
  /** Seconds an access token lives. */
  accessTokenTTL?: number
  /**
   * The resource assumed when a token request names none; default the first of `resources`.
   * `null`: none, so `token(id, { resource: null })` yields an opaque, introspectable token.
   */
  defaultResource?: string | null
}

export interface TestIssuer {
  /** The issuer identifier; it is the proxy's URL, so every call goes through the proxy. */
  readonly issuer: string
  readonly proxy: FaultProxy
  readonly tokenEndpoint: string
  /** The key the issuer signs with now. */
  readonly key: TestKey
  /**
   * A client-credentials token from the real token endpoint. `resource: null` sends no
   * `resource=`, which makes oidc-provider issue an opaque token (for introspection).
   */
  token(clientId: string, options?: { scope?: string; resource?: string | null }): Promise<string>
  /** A token signed with the issuer's own key but with claims of our choosing. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>
  /** Restart the issuer with a new signing key; the old key stays published (rotation). */
  rotateKeys(options?: { dropOld?: boolean }): Promise<TestKey>
  close(): Promise<void>
}

export const DEFAULT_RESOURCE = 'https://calendar.example.test'
export const OTHER_RESOURCE = 'https://other.example.test'

export const DEFAULT_CLIENTS: TestClient[] = [
  {
    client_id: 'task-service',
    client_secret: 'task-service-secret-0123456789abcdef',
    scope: 'event.create event.view',
  },
  { client_id: 'viewer', client_secret: 'viewer-secret-0123456789abcdef0123', scope: 'event.view' },
]

/** Starts oidc-provider on loopback behind a fault-injecting proxy. */
export async function startIssuer(setup: IssuerSetup = {}): Promise<TestIssuer> {
  const proxy = await startProxy()
  const issuer = proxy.url
  const clients = setup.clients ?? DEFAULT_CLIENTS
  const resources = setup.resources ?? {
    [DEFAULT_RESOURCE]: 'event.create event.view',
    [OTHER_RESOURCE]: 'event.create event.view',
  }
  let keys: TestKey[] = [await createTestKey('RS256')]
  let server = await listen(keys)

  async function listen(current: TestKey[]): Promise<Server> {
    const provider = createProvider(issuer, current, clients, resources, {
      accessTokenTTL: setup.accessTokenTTL ?? 300,
      defaultResource:
        setup.defaultResource === undefined ? Object.keys(resources)[0]! : setup.defaultResource,
    })
    const handler = provider.callback()
    const http = createServer((req, res) => void handler(req, res))
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    proxy.target = { port: (http.address() as AddressInfo).port }
    return http
  }

  const tokenEndpoint = `${issuer}/token`
  return {
    issuer,
    proxy,
    tokenEndpoint,
    get key() {
      return keys[0]!
    },
    async token(clientId, options = {}) {
      const client = clients.find((c) => c.client_id === clientId)
      if (!client?.client_secret) throw new Error(`no secret client ${clientId}`)
      const body = new URLSearchParams({ grant_type: 'client_credentials' })
      if (options.resource !== null)
        body.set('resource', options.resource ?? Object.keys(resources)[0]!)
      if (options.scope !== undefined) body.set('scope', options.scope)
      const response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`,
        },
        body,
      })
      const json = (await response.json()) as { access_token?: string }
      if (!response.ok || !json.access_token)
        throw new Error(`token request failed: ${JSON.stringify(json)}`)
      return json.access_token
    },
    async sign(claims, header = {}) {
      const key = keys[0]!
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
        .sign(key.privateKey)
    },
    async rotateKeys({ dropOld = false } = {}) {
      const next = await createTestKey('RS256')
      keys = dropOld ? [next] : [next, ...keys]
      await closeServer(server)
      server = await listen(keys)
      return next
    },
    async close() {
      await proxy.close()
      await closeServer(server)
    },
  }
}

function createProvider(
  issuer: string,
  keys: TestKey[],
  clients: TestClient[],
  resources: Record<string, string>,
  { accessTokenTTL, defaultResource }: { accessTokenTTL: number; defaultResource: string | null },
): Provider {
  // The same configuration the demo's embedded issuer runs, with the test's keys and clients.
  const configuration = clientCredentialsConfiguration({
    clients: clients.map((c) => ({ ...c })),
    keys: keys.map((k) => k.privateJwk),
    resources,
    accessTokenTTL,
    defaultResource,
  })
  return createQuietProvider(issuer, configuration)
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

/** A `private_key_jwt` client (RFC 7523) named `signer`, with the key it signs assertions with. */
export async function createSignerClient(): Promise<{ client: TestClient; key: TestKey }> {
  const key = await createTestKey('ES256')
  return {
    key,
    client: {
      client_id: 'signer',
      scope: 'event.create',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
    },
  }
}
