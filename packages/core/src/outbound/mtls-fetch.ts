import { Agent } from 'undici'
import type { FetchLike } from '../http/fetch-json.js'
import type { MtlsConfig } from './mtls-options.js'

/**
 * `fetch` over TLS connections that present the client certificate: RFC 8705 §2 client
 * authentication at the token endpoint, and §3 certificate-bound tokens at APIs (the server
 * compares the certificate with the token's `cnf["x5t#S256"]`). The undici Agent goes in as
 * the `dispatcher` init option, which Node's global fetch honours (checked on Node 20.20 with undici 7);
 * undici's own `fetch` would not accept the global `Request` objects callers pass.
 * A custom `fetch` must pass `dispatcher` on to Node's fetch for the certificate to be sent.
 */
export function mtlsFetch(mtls: MtlsConfig, fetch: FetchLike): FetchLike {
  const agent = new Agent({
    connect: {
      key: toBuffer(mtls.key),
      cert: toBuffer(mtls.cert),
      ca: mtls.ca === undefined ? undefined : [mtls.ca].flat().map(toBuffer),
      passphrase: mtls.passphrase,
    },
  })
  // `dispatcher` is Node's (undici's) extension to RequestInit; its type is the bundled
  // undici's, which differs from this undici's in details the Agent does not depend on.
  return (input, init) => fetch(input, { ...init, dispatcher: agent } as unknown as RequestInit)
}

function toBuffer(pem: string | Uint8Array): Buffer {
  return Buffer.from(pem)
}
