// The least a DPoP check can do in place (RFC 9449 §4.3), the yardstick of the dpop section:
// parse the one `DPoP` header, verify the proof's ES256 signature with node:crypto against its
// embedded jwk, check htm, htu, iat, ath and that the key's thumbprint (RFC 7638) is the
// token's cnf.jkt, and remember the jti in an in-memory Set. The access token itself was
// verified once and is cached, as our hot path caches it. No other check, no error detail.
import { createHash, createPublicKey, verify } from 'node:crypto'

const IAT_WINDOW_S = 60

/**
 * `verifyToken(token) => payload | undefined` (the minimal JWT check of lib/minimal.mjs).
 * Returns `(method, url, authorization, dpop) => payload | undefined`.
 */
export function minimalDpopCheck(verifyToken) {
  const tokens = new Map()
  const seen = new Set()
  return (method, url, authorization, dpop) => {
    if (typeof authorization !== 'string' || typeof dpop !== 'string') return undefined
    if (!authorization.startsWith('DPoP ')) return undefined
    const token = authorization.slice(5)
    let payload = tokens.get(token)
    if (payload === undefined) {
      payload = verifyToken(token)
      if (payload === undefined) return undefined
      tokens.set(token, payload)
    }
    try {
      return checkProof(dpop, method, url, token, payload.cnf?.jkt, seen) ? payload : undefined
    } catch {
      return undefined
    }
  }
}

function checkProof(proof, method, url, token, jkt, seen) {
  const first = proof.indexOf('.')
  const second = proof.indexOf('.', first + 1)
  const header = JSON.parse(Buffer.from(proof.slice(0, first), 'base64url').toString())
  const claims = JSON.parse(Buffer.from(proof.slice(first + 1, second), 'base64url').toString())
  if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256' || header.jwk?.d !== undefined)
    return false
  const { crv, kty, x, y } = header.jwk
  const key = createPublicKey({ key: { crv, kty, x, y }, format: 'jwk' })
  const signed = verify(
    'sha256',
    Buffer.from(proof.slice(0, second)),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(proof.slice(second + 1), 'base64url'),
  )
  if (!signed || claims.htm !== method || claims.htu !== url) return false
  if (!(Math.abs(Date.now() / 1000 - claims.iat) <= IAT_WINDOW_S)) return false
  if (claims.ath !== sha256(token)) return false
  if (sha256(JSON.stringify({ crv, kty, x, y })) !== jkt) return false
  if (seen.has(claims.jti)) return false
  seen.add(claims.jti)
  return true
}

const sha256 = (text) => createHash('sha256').update(text).digest('base64url')
