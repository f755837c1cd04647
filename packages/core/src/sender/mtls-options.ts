import { thumbprintReader, type CertificateSource, type ThumbprintReader } from './mtls-sources.js'

/** Certificate-bound tokens from one issuer (RFC 8705 §3). */
export interface MtlsOptions {
  /**
   * Where the client certificate comes from: `'tls'` (this Node https server's own handshake,
   * with `requestCert`), `'client-cert'` (RFC 9440 header), `'xfcc'` (Envoy's
   * `x-forwarded-client-cert`), or a function. A header is believed only because the proxy in
   * front strips every copy a client sends: see docs/sender-constrained.md.
   */
  certificate: CertificateSource
}

/** The validated form used at request time. */
export interface MtlsConfig {
  /** The thumbprint of the request's client certificate, or undefined when none came. */
  readonly thumbprint: ThumbprintReader
}

const SOURCES: ReadonlySet<unknown> = new Set(['tls', 'client-cert', 'xfcc'])

export function normalizeMtls(
  options: MtlsOptions | undefined,
  at: string,
): MtlsConfig | undefined {
  if (options === undefined) return undefined
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`"${at}" must be an object`)
  }
  const source = options.certificate
  if (typeof source !== 'function' && !SOURCES.has(source)) {
    throw new TypeError(`"${at}.certificate" must be 'tls', 'client-cert', 'xfcc' or a function`)
  }
  return Object.freeze({ thumbprint: thumbprintReader(source) })
}
