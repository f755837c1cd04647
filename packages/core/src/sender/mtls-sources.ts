import { headerValues, malformed, type AuthRequest } from '../request.js'
import { certificateThumbprint, derFromText } from './mtls-thumbprint.js'
import { xfccThumbprint } from './mtls-xfcc.js'

/** Returns the certificate a request came with, as DER or as text (PEM, base64 DER). */
export type CertificateFunction = (request: AuthRequest) => string | Uint8Array | undefined
export type CertificateSource = 'tls' | 'client-cert' | 'xfcc' | CertificateFunction

/** The RFC 8705 §3.1 thumbprint of the request's client certificate, or undefined for none. */
export type ThumbprintReader = (request: AuthRequest) => string | undefined

export function thumbprintReader(source: CertificateSource): ThumbprintReader {
  if (typeof source === 'function') return (request) => fromFunction(source, request)
  switch (source) {
    case 'tls':
      return fromSocket
    case 'client-cert':
      return (request) => fromHeader(request, 'client-cert', clientCertThumbprint)
    case 'xfcc':
      return (request) => fromHeader(request, 'x-forwarded-client-cert', xfccThumbprint)
  }
}

interface PeerCertificateSocket {
  getPeerCertificate?: (detailed?: boolean) => { raw?: Uint8Array } | null
}

/**
 * RFC 8705 §2: the certificate the client proved it holds in this TLS handshake. Not gated on
 * `socket.authorized`: whether a CA vouches for it is the TLS layer's policy (`ca`,
 * `rejectUnauthorized`), and the binding needs only possession, so self-signed certificates
 * (RFC 8705 §2.2) bind too. Every framework hands core Node's IncomingMessage, which has it.
 */
function fromSocket(request: AuthRequest): string | undefined {
  const socket = (request as { socket?: PeerCertificateSocket }).socket
  if (typeof socket?.getPeerCertificate !== 'function') return undefined
  const raw = socket.getPeerCertificate(false)?.raw
  return raw === undefined || raw.length === 0 ? undefined : certificateThumbprint(raw)
}

/**
 * A header only a proxy in front of the service may write. Two copies mean the client slipped
 * one past a proxy that appended instead of replacing: which one to believe is unknowable.
 */
function fromHeader(
  request: AuthRequest,
  name: string,
  parse: (value: string) => string | undefined,
): string | undefined {
  const values = headerValues(request, name)
  if (values.length > 1) throw malformed(`the request carries more than one ${name} header`)
  const value = values[0]
  return value === undefined ? undefined : parse(value)
}

// RFC 8941 §3.3.5 byte sequence: ":" base64 ":".
const SF_BINARY = /^:([A-Za-z0-9+/]+={0,2}):$/

/** RFC 9440 §2.2: `Client-Cert` is the DER certificate as a structured-field byte sequence. */
function clientCertThumbprint(value: string): string {
  const base64 = SF_BINARY.exec(value.trim())?.[1]
  if (base64 === undefined) throw malformed('the client-cert header is not a byte sequence')
  return certificateThumbprint(Buffer.from(base64, 'base64'))
}

function fromFunction(source: CertificateFunction, request: AuthRequest): string | undefined {
  const certificate = source(request)
  if (certificate === undefined) return undefined
  if (certificate instanceof Uint8Array) {
    return certificate.length === 0 ? undefined : certificateThumbprint(certificate)
  }
  if (typeof certificate !== 'string') {
    throw new TypeError('"bearer.mtls.certificate" returned neither a string nor bytes')
  }
  if (certificate.length === 0) return undefined
  const der = derFromText(certificate)
  if (der === undefined) throw malformed('the client certificate is neither PEM nor base64 DER')
  return certificateThumbprint(der)
}
