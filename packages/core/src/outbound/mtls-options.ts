import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import type { AuthMethod, IssuerPreset } from './presets.js'

/** A PEM text, as a string or the bytes of a file. */
export type Pem = string | Uint8Array

/** The client certificate presented on every TLS connection (RFC 8705). */
export interface TokenClientMtlsOptions {
  /** The client's private key, PEM (PKCS#8, PKCS#1 or SEC1). */
  key: Pem
  /** Its certificate, PEM; intermediate certificates may follow it. */
  cert: Pem
  /** Trust anchors for the servers' certificates, PEM. Default: Node's root store. */
  ca?: Pem | readonly Pem[]
  /** Passphrase of an encrypted `key`. */
  passphrase?: string
}

export interface MtlsConfig {
  readonly key: Pem
  readonly cert: Pem
  readonly ca: Pem | readonly Pem[] | undefined
  readonly passphrase: string | undefined
  /** The certificate's `x5t#S256` (RFC 8705 §3.1): what a bound token's `cnf` carries. */
  readonly thumbprint: string
}

/** RFC 8705 §2.1 (PKI) and §2.2 (self-signed): the certificate is the client's credential. */
export type TlsAuthMethod = Extract<AuthMethod, 'tls_client_auth' | 'self_signed_tls_client_auth'>

export function isTlsAuthMethod(method: unknown): method is TlsAuthMethod {
  return method === 'tls_client_auth' || method === 'self_signed_tls_client_auth'
}

/**
 * Checks `mtls` once, at construction: the key and certificate must parse and belong
 * together. Errors name the option, never its content (the key is a secret).
 */
export function mtlsOptions(value: unknown): MtlsConfig | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null)
    throw new TypeError('"mtls" must be an object with "key" and "cert"')
  const { key, cert, ca, passphrase } = value as Partial<TokenClientMtlsOptions>
  if (passphrase !== undefined && (typeof passphrase !== 'string' || passphrase.length === 0))
    throw new TypeError('"mtls.passphrase" must be a non-empty string')
  const privateKey = parseKey(key, passphrase)
  const certificate = parseCertificate(cert, 'mtls.cert')
  if (!certificate.checkPrivateKey(privateKey))
    throw new TypeError('"mtls.key" is not the private key of "mtls.cert"')
  if (ca !== undefined) for (const one of [ca].flat()) parseCertificate(one, 'mtls.ca')
  return Object.freeze({
    key: key!,
    cert: cert!,
    ca,
    passphrase,
    thumbprint: createHash('sha256').update(certificate.raw).digest('base64url'),
  })
}

/**
 * `tls_client_auth` and `self_signed_tls_client_auth` send only `client_id` (RFC 8705 §2):
 * a secret or signing key would be a second, unused credential, so setting one is a mistake.
 */
export function tlsCredentials(
  method: TlsAuthMethod,
  options: { clientSecret?: unknown; privateKey?: unknown },
  preset: IssuerPreset,
  mtls: MtlsConfig | undefined,
): { clientSecret: undefined; privateKey: undefined; authMethod: TlsAuthMethod } {
  if (mtls === undefined) throw new TypeError(`"mtls" is required with "authMethod": "${method}"`)
  if (options.clientSecret !== undefined || options.privateKey !== undefined)
    throw new TypeError(
      `"clientSecret" and "privateKey" are not used with "authMethod": "${method}": the certificate authenticates the client`,
    )
  if (preset.json) throw new TypeError(`"authMethod": "${method}" is not supported by this preset`)
  return { clientSecret: undefined, privateKey: undefined, authMethod: method }
}

function parseKey(key: unknown, passphrase: string | undefined): KeyObject {
  if (!isPem(key)) throw new TypeError('"mtls.key" must be a PEM private key (string or bytes)')
  try {
    return createPrivateKey({ key: Buffer.from(key), format: 'pem', passphrase })
  } catch {
    // OpenSSL's message is about the format; the key itself never goes into an error.
    throw new TypeError(
      '"mtls.key" is not a usable PEM private key (or "mtls.passphrase" is wrong)',
    )
  }
}

function parseCertificate(cert: unknown, name: string): X509Certificate {
  if (!isPem(cert)) throw new TypeError(`"${name}" must be a PEM certificate (string or bytes)`)
  try {
    return new X509Certificate(Buffer.from(cert))
  } catch {
    throw new TypeError(`"${name}" is not a PEM certificate`)
  }
}

function isPem(value: unknown): value is Pem {
  return (typeof value === 'string' && value.length > 0) || value instanceof Uint8Array
}
