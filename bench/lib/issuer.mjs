// A loopback stand-in for an identity provider: signing keys, a JWKS and discovery
// document on 127.0.0.1, and token minting. Every target in the benchmark trusts this
// issuer, so all of them verify exactly the same tokens against exactly the same keys.
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

export const AUDIENCE = 'https://api.bench.test'

export async function startIssuer() {
  const keys = {}
  for (const alg of ['RS256', 'ES256']) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
    const kid = `bench-${alg.toLowerCase()}`
    keys[alg] = {
      kid,
      privateKey,
      publicKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    }
  }
  const jwks = JSON.stringify({ keys: Object.values(keys).map((k) => k.jwk) })
  let discovery = ''
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === '/.well-known/jwks.json') return void res.end(jwks)
    if (
      req.url === '/.well-known/openid-configuration' ||
      req.url === '/.well-known/oauth-authorization-server'
    )
      return void res.end(discovery)
    res.statusCode = 404
    res.end('{}')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${server.address().port}/`
  const jwksUri = `${issuer}.well-known/jwks.json`
  discovery = JSON.stringify({ issuer, jwks_uri: jwksUri })

  /** One access token as a client-credentials grant would issue it (RFC 9068 shape). */
  const mint = (alg, { lifetimeS = 3600, claims = {} } = {}) => {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({
      scope: 'event.create event.view',
      client_id: 'bench-client',
      jti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg, kid: keys[alg].kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject('bench-client')
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeS)
      .sign(keys[alg].privateKey)
  }

  /** `count` distinct valid tokens, signed a few at a time to keep the event loop moving. */
  const mintMany = async (alg, count) => {
    const tokens = []
    while (tokens.length < count) {
      const batch = Math.min(64, count - tokens.length)
      tokens.push(...(await Promise.all(Array.from({ length: batch }, () => mint(alg)))))
    }
    return tokens
  }

  return {
    issuer,
    jwksUri,
    audience: AUDIENCE,
    keys,
    mint,
    mintMany,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A token with a valid shape whose signature does not verify. */
export function tamper(token) {
  const [header, payload, signature] = token.split('.')
  const flipped = signature[5] === 'A' ? 'B' : 'A'
  return `${header}.${payload}.${signature.slice(0, 5)}${flipped}${signature.slice(6)}`
}
