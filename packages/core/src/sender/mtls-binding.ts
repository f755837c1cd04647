import { invalidToken } from '../bearer/jws.js'
import type { AuthRequest } from '../request.js'
import type { MtlsConfig } from './mtls-options.js'

/** RFC 8705 §3.1 `cnf["x5t#S256"]`: the certificate thumbprint a token is bound to, if any. */
export function boundCertificate(cnf: unknown): string | undefined {
  if (typeof cnf !== 'object' || cnf === null || !('x5t#S256' in cnf)) return undefined
  const x5t = (cnf as Record<string, unknown>)['x5t#S256']
  if (typeof x5t !== 'string' || x5t.length === 0) {
    throw invalidToken('ERR_TOKEN_BINDING', 'the token cnf["x5t#S256"] is malformed')
  }
  return x5t
}

/**
 * RFC 8705 §3: a certificate-bound token is accepted only from the client holding that
 * certificate. Where nobody checks certificates (no `mtls`, or no request to read) it would
 * be a stolen bearer token to anyone, so it is refused, never accepted as a plain one.
 */
export function checkCertificate(
  x5t: string,
  mtls: MtlsConfig | undefined,
  request: AuthRequest | undefined,
): void {
  if (mtls === undefined || request === undefined) {
    throw invalidToken(
      'ERR_TOKEN_BINDING',
      'the token is bound to a client certificate (mTLS), which this service does not check',
    )
  }
  const presented = mtls.thumbprint(request)
  if (presented === undefined) {
    throw invalidToken('ERR_TOKEN_BINDING', 'no client certificate was presented')
  }
  // RFC 8705 §3.1: the thumbprints are compared as strings; neither is secret.
  if (presented !== x5t) {
    throw invalidToken('ERR_TOKEN_BINDING', 'the token is bound to another client certificate')
  }
}
