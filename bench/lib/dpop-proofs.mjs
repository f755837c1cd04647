// The caller's side of the dpop section: one ES256 key, a token bound to it (cnf.jkt) and DPoP
// proofs (RFC 9449 §4.2) signed ahead of the load, each with its own jti, since a proof is
// single-use and every target refuses a replay.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto'

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const sha256 = (text) => createHash('sha256').update(text).digest('base64url')

/** `{ jkt, proofs(token, htu, count) }` for a fresh P-256 key. */
export function createProofSigner() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' })
  const jwk = { crv, kty, x, y }
  // RFC 7638 §3: the required members in lexicographic order (crv, kty, x, y).
  const jkt = sha256(JSON.stringify(jwk))
  const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk })
  const signer = { key: privateKey, dsaEncoding: 'ieee-p1363' }
  return {
    jkt,
    /** `count` proofs for `GET htu` presenting `token`, each with a distinct jti. */
    proofs(token, htu, count) {
      const ath = sha256(token)
      const iat = Math.floor(Date.now() / 1000)
      const out = new Array(count)
      for (let i = 0; i < count; i++) {
        const input = `${header}.${b64({ jti: randomUUID(), htm: 'GET', htu, iat, ath })}`
        const signature = sign('sha256', Buffer.from(input), signer).toString('base64url')
        out[i] = `${input}.${signature}`
      }
      return out
    },
  }
}
