import { X509Certificate } from 'node:crypto'
import { createServer, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { KoaContextWithOIDC } from 'oidc-provider'
import type { FetchLike } from '@m2m-auth/core'
import { clientCredentialsConfiguration } from '../../examples/local-issuer/src/index.js'
import { createTestKey } from './keys.js'
import type { TestPki } from './mtls-certs.js'
import { createQuietProvider } from './oidc-provider.js'

export const MTLS_RESOURCE = 'https://calendar.example.test'
export const MTLS_CLIENT_ID = 'task-service'
const SCOPE = 'event.create event.view'

export interface MtlsIssuer {
  /** `https://127.0.0.1:<port>`, served with the PKI's server certificate. */
  readonly issuer: string
  close(): Promise<void>
}

/**
 * The real oidc-provider with its `mTLS` feature on, behind Node https asking for a client
 * certificate: the client authenticates with `tls_client_auth` (RFC 8705 §2.1, subject DN of
 * `pki.a`) and the issuer itself binds its client-credentials JWT access token to that
 * certificate (`cnf["x5t#S256"]`, RFC 8705 §3.1).
 */
export async function startMtlsIssuer(pki: TestPki): Promise<MtlsIssuer> {
  const signingKey = await createTestKey('RS256')
  // The CA check is left to oidc-provider (certificateAuthorized), so a missing or foreign
  // certificate is an OAuth error, not a failed handshake.
  const https = createServer({
    key: pki.server.key,
    cert: pki.server.cert,
    ca: pki.ca,
    requestCert: true,
    rejectUnauthorized: false,
  })
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve))
  const issuer = `https://127.0.0.1:${(https.address() as AddressInfo).port}`
  const base = clientCredentialsConfiguration({
    clients: [
      {
        client_id: MTLS_CLIENT_ID,
        scope: SCOPE,
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: new X509Certificate(pki.a.cert).subject,
        tls_client_certificate_bound_access_tokens: true,
      },
    ],
    keys: [signingKey.privateJwk],
    resources: { [MTLS_RESOURCE]: SCOPE },
    accessTokenTTL: 300,
  })
  const provider = createQuietProvider(issuer, {
    ...base,
    // oidc-provider's default list leaves the RFC 8705 §2 methods out.
    clientAuthMethods: ['tls_client_auth'],
    features: {
      ...base.features,
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        getCertificate: peerCertificate,
        certificateAuthorized: (ctx) => (ctx.socket as TLSSocket).authorized,
        certificateSubjectMatches: (ctx, property, expected) =>
          property === 'tls_client_auth_subject_dn' && peerCertificate(ctx)?.subject === expected,
      },
    },
  })
  const handler = provider.callback()
  https.on('request', (req, res) => void handler(req, res))
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        https.closeAllConnections()
        https.close(() => resolve())
      }),
  }
}

/** The certificate of this connection's TLS handshake, if the client presented one. */
function peerCertificate(ctx: KoaContextWithOIDC): X509Certificate | undefined {
  const raw = (ctx.socket as TLSSocket).getPeerCertificate?.(false)?.raw
  return raw ? new X509Certificate(raw) : undefined
}

/**
 * A GET-only `fetch` trusting `ca`, for the resource server's discovery and JWKS requests to
 * the https issuer (Node's global fetch knows only the system roots).
 */
export function fetchTrusting(ca: string): FetchLike {
  return (input) =>
    new Promise((resolve, reject) => {
      const url = input instanceof Request ? input.url : String(input)
      const req = httpsRequest(url, { ca, agent: false, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(res.headers))
            if (typeof value === 'string') headers.set(name, value)
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers }))
        })
      })
      req.on('timeout', () => req.destroy(new Error('request timed out')))
      req.on('error', reject)
      req.end()
    })
}
