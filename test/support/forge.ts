import { createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { JWK } from 'jose'

/** Raw JWS assembly (RFC 7515 §7.1), so a test can forge what jose refuses to produce. */
export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

export const signingInput = (header: object, payload: object): string =>
  `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`

/** `header.payload.` plus whatever signature bytes the attack needs. */
export const withSignature = (header: object, payload: object, signature: Buffer): string =>
  `${signingInput(header, payload)}.${b64url(signature)}`

/** HS256/384/512 with any key bytes, the empty key included. */
export function hmacToken(
  header: { alg: string; [name: string]: unknown },
  payload: object,
  key: Buffer | string,
): string {
  const hash = `sha${header.alg.slice(2)}`
  const input = signingInput(header, payload)
  return `${input}.${b64url(createHmac(hash, key).update(input).digest())}`
}

/** RS256 with any private key. */
export function rsaToken(header: object, payload: object, key: KeyObject): string {
  const input = signingInput(header, payload)
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`
}

/** The self-signed attacker certificate of test/vectors/attacker, and its key. */
export function attackerCertificate(): { pem: string; der: string; key: KeyObject } {
  const dir = new URL('../vectors/attacker/', import.meta.url)
  const pem = readFileSync(new URL('cert.pem', dir), 'utf8')
  const der = pem.replace(/-----[^-]+-----|\s/g, '')
  return { pem, der, key: createPrivateKey(readFileSync(new URL('key.pem', dir))) }
}

/**
 * What an attacker can make of the issuer's public RSA key to use as an HMAC secret: PEM in
 * the X.509 (SPKI) and PKCS#1 forms, with and without the final newline, the DER bytes, and
 * the JWK itself as JSON. PortSwigger's algorithm-confusion labs and the sig2n tool (which
 * recovers the key from two tokens) try exactly these forms.
 */
export function publicKeyAsSecrets(jwk: JWK): Array<[form: string, secret: Buffer]> {
  const key = createPublicKey({ key: jwk as never, format: 'jwk' })
  const spki = key.export({ type: 'spki', format: 'pem' }).toString()
  const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString()
  const { kty, n, e } = jwk
  return [
    ['X.509 PEM', Buffer.from(spki)],
    ['X.509 PEM without the final newline', Buffer.from(spki.trimEnd())],
    ['PKCS#1 PEM', Buffer.from(pkcs1)],
    ['PKCS#1 PEM without the final newline', Buffer.from(pkcs1.trimEnd())],
    ['X.509 DER', key.export({ type: 'spki', format: 'der' })],
    ['the JWK as JSON', Buffer.from(JSON.stringify({ kty, n, e }))],
    ['the JWK modulus bytes', Buffer.from(n ?? '', 'base64url')],
  ]
}

/** CVE-2022-21449: an ECDSA signature with r = s = 0, in P1363 and in DER form. */
export function psychicSignatures(size: number): Array<[form: string, signature: Buffer]> {
  return [
    ['P1363 r=s=0', Buffer.alloc(size * 2)],
    ['DER r=s=0', Buffer.from('3006020100020100', 'hex')],
    ['empty', Buffer.alloc(0)],
  ]
}
