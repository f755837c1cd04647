// The least a correct JWT check can do: split, decode header and payload, one node:crypto
// verify, and the iss/aud/exp checks. No cache, no error detail, no other check. It is the
// yardstick for cold verification: timed in-process ("minimal JWT verify µs") and, as the
// `minimal` variant of each server, inside the same framework under the same load.
import { createPublicKey, verify } from 'node:crypto'

/** `keys`: kid -> JWK. Returns `(token) => payload`, throwing on any failed check. */
export function minimalVerifier(keys, { issuer, audience }) {
  const byKid = new Map()
  for (const [kid, jwk] of Object.entries(keys)) {
    const key = createPublicKey({ key: jwk, format: 'jwk' })
    byKid.set(kid, {
      alg: jwk.alg,
      key: jwk.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
    })
  }
  return (token) => {
    const first = token.indexOf('.')
    const second = token.indexOf('.', first + 1)
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString())
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString())
    const entry = byKid.get(header.kid)
    if (entry === undefined || entry.alg !== header.alg) throw new Error('unknown key')
    const ok = verify(
      'sha256',
      Buffer.from(token.slice(0, second)),
      entry.key,
      Buffer.from(token.slice(second + 1), 'base64url'),
    )
    if (!ok || payload.iss !== issuer || payload.aud !== audience) throw new Error('invalid')
    if (!(payload.exp > Date.now() / 1000)) throw new Error('expired')
    return payload
  }
}

/** For a server: fetch the JWKS once at start-up; verify a whole Authorization header. */
export async function minimalHeaderVerifier({ jwksUri, issuer, audience }) {
  const response = await fetch(jwksUri)
  const { keys } = await response.json()
  const check = minimalVerifier(Object.fromEntries(keys.map((k) => [k.kid, k])), {
    issuer,
    audience,
  })
  return (authorization) => {
    if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) return undefined
    try {
      return check(authorization.slice(7))
    } catch {
      return undefined
    }
  }
}
