import { execFile } from 'node:child_process'
import { X509Certificate, createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface TestCertificate {
  readonly key: string
  /** PEM. */
  readonly cert: string
  readonly der: Buffer
  /** RFC 8705 §3.1 `x5t#S256`: base64url SHA-256 of the DER. */
  readonly thumbprint: string
}

export interface TestPki {
  readonly ca: string
  /** For 127.0.0.1, signed by the CA. */
  readonly server: TestCertificate
  /** Two clients: `a` gets the bound token; `b` is somebody else. */
  readonly a: TestCertificate
  readonly b: TestCertificate
  close(): Promise<void>
}

/** A throwaway CA and three P-256 certificates, made by the `openssl` binary in a temp dir. */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'm2m-mtls-'))
  const at = (name: string): string => join(dir, name)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  // prettier-ignore
  await run('openssl', [
    'req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'),
    '-subj', '/CN=m2m-auth test CA', '-days', '1',
  ])
  const issue = async (name: string, extra: string[]): Promise<TestCertificate> => {
    // prettier-ignore
    await run('openssl', [
      'req', '-x509', ...ec, '-keyout', at(`${name}.key`), '-out', at(`${name}.crt`),
      '-subj', `/CN=${name}`, '-days', '1', '-CA', at('ca.crt'), '-CAkey', at('ca.key'), ...extra,
    ])
    const cert = await readFile(at(`${name}.crt`), 'utf8')
    const der = new X509Certificate(cert).raw
    return {
      key: await readFile(at(`${name}.key`), 'utf8'),
      cert,
      der,
      thumbprint: createHash('sha256').update(der).digest('base64url'),
    }
  }
  const server = await issue('server', ['-addext', 'subjectAltName=IP:127.0.0.1'])
  const a = await issue('client-a', ['-addext', 'extendedKeyUsage=clientAuth'])
  const b = await issue('client-b', ['-addext', 'extendedKeyUsage=clientAuth'])
  return {
    ca: await readFile(at('ca.crt'), 'utf8'),
    server,
    a,
    b,
    close: () => rm(dir, { recursive: true, force: true }),
  }
}
