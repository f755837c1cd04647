import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'

/**
 * Real TLS for RFC 8705 tests: a throwaway CA made with the `openssl` binary, and loopback
 * HTTPS servers that ask for a client certificate (`requestCert`), accept only the expected
 * ones and record the SHA-256 thumbprint (`x5t#S256`, RFC 8705 §3.1) each request came with.
 */

export interface Pair {
  key: string
  cert: string
  /** `x5t#S256` of the certificate. */
  thumbprint: string
}

export interface Certificates {
  ca: string
  server: Pair
  client: Pair
  /** Signed by the same CA, but not a certificate the servers accept. */
  other: Pair
  selfSigned: Pair
  /** `client`'s key with a new certificate, as after a renewal. */
  renewed: Pair
  remove(): void
}

export interface Seen {
  path: string
  thumbprint: string | undefined
  authorization: string | undefined
  body: string
}

export interface TlsServer {
  url: string
  seen: Seen[]
  close(): Promise<void>
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']

export function createCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'm2m-mtls-'))
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
  }
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
  const pair = (name: string, keyName = name): Pair => {
    const cert = read(`${name}.pem`)
    const thumbprint = createHash('sha256').update(new X509Certificate(cert).raw)
    return { key: read(`${keyName}.key`), cert, thumbprint: thumbprint.digest('base64url') }
  }
  const selfSigned = (name: string, cn: string): Pair => {
    openssl(
      'req',
      '-x509',
      ...EC,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
    )
    return pair(name)
  }
  const issue = (name: string, cn: string, ext: string): Pair => {
    writeFileSync(join(dir, `${name}.ext`), ext)
    openssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`)
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    )
    return pair(name)
  }
  const renew = (name: string, from: string): Pair => {
    openssl(
      'x509',
      '-req',
      '-in',
      `${from}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${from}.ext`,
    )
    return pair(name, from)
  }
  const ca = selfSigned('ca', 'm2m-auth test CA').cert
  return {
    ca,
    server: issue('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\n'),
    client: issue('client', 'client-1', 'extendedKeyUsage=clientAuth\n'),
    renewed: renew('renewed', 'client'),
    other: issue('other', 'client-2', 'extendedKeyUsage=clientAuth\n'),
    selfSigned: selfSigned('self', 'client-3'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Answers through `answer` only requests whose connection presented an `accepted` certificate. */
export async function startTlsServer(
  certificates: Certificates,
  accepted: readonly string[],
  answer: (seen: Seen, base: string) => { status: number; json: unknown },
): Promise<TlsServer> {
  const seen: Seen[] = []
  let base = ''
  const { server, ca } = certificates
  const https = createServer(
    { key: server.key, cert: server.cert, ca, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const peer = (req.socket as TLSSocket).getPeerCertificate()
        const request: Seen = {
          path: req.url ?? '',
          thumbprint: peer.raw
            ? createHash('sha256').update(peer.raw).digest('base64url')
            : undefined,
          authorization: req.headers.authorization,
          body: Buffer.concat(chunks).toString('utf8'),
        }
        seen.push(request)
        const known = request.thumbprint !== undefined && accepted.includes(request.thumbprint)
        const { status, json } = known
          ? answer(request, base)
          : { status: 401, json: { error: 'invalid_client' } }
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json))
      })
    },
  )
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve))
  base = `https://127.0.0.1:${(https.address() as AddressInfo).port}`
  return {
    url: base,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        https.closeAllConnections()
        https.close(() => resolve())
      }),
  }
}
