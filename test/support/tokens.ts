import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createPublicKey, type JsonWebKey } from 'node:crypto'
import { base64url, SignJWT } from 'jose'
import { createTestKey } from './keys.js'
import { OTHER_RESOURCE, type TestIssuer } from './issuer.js'

export interface TokenSet {
  valid: string
  viewer: string
  expired: string
  notYetValid: string
  wrongAudience: string
  wrongIssuer: string
  foreignIssuer: string
  algNone: string
  hmacWithPublicKey: string
  attackerWithIssuerKid: string
  unknownKid: string
  embeddedJwk: string
  oversize: string
  /** Hits on the attacker's JWKS server, which no verifier may contact. */
  attackerHits(): number
  close(): Promise<void>
}

const now = (): number => Math.floor(Date.now() / 1000)

/** Every token the case table needs: real ones from the issuer, and forged ones. */
export async function mintTokens(
  issuer: TestIssuer,
  foreign: TestIssuer,
  audience: string,
): Promise<TokenSet> {
  const claims = {
    sub: 'task-service',
    client_id: 'task-service',
    scope: 'event.create event.view',
    aud: audience,
  }
  const attacker = await createTestKey('RS256')
  let attackerHits = 0
  const attackerJwks = createServer((_req, res) => {
    attackerHits++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [attacker.publicJwk] }))
  })
  await new Promise<void>((r) => attackerJwks.listen(0, '127.0.0.1', r))
  const attackerUrl = `http://127.0.0.1:${(attackerJwks.address() as AddressInfo).port}/jwks`
  const forged = (
    header: Record<string, unknown>,
    payload: object = { ...claims, iss: issuer.issuer },
  ) =>
    new SignJWT({ ...payload })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...header })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(attacker.privateKey)
  const unsigned = (header: object, payload: object): string =>
    `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`
  // The classic confusion attack: the issuer's public key (PEM) used as an HMAC secret.
  const hmacSecret = Buffer.from(
    createPublicKey({ key: issuer.key.publicJwk as JsonWebKey, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    }),
  )

  return {
    valid: await issuer.token('task-service', { scope: 'event.create event.view' }),
    viewer: await issuer.token('viewer', { scope: 'event.view' }),
    expired: await issuer.sign({
      ...claims,
      iss: issuer.issuer,
      iat: now() - 600,
      exp: now() - 300,
    }),
    notYetValid: await issuer.sign({
      ...claims,
      iss: issuer.issuer,
      iat: now(),
      nbf: now() + 600,
      exp: now() + 900,
    }),
    wrongAudience: await issuer.token('task-service', { resource: OTHER_RESOURCE }),
    wrongIssuer: await issuer.sign({
      ...claims,
      iss: 'https://idp.attacker.test',
      iat: now(),
      exp: now() + 300,
    }),
    foreignIssuer: await foreign.token('task-service', { scope: 'event.create event.view' }),
    algNone: unsigned(
      { alg: 'none', typ: 'at+jwt' },
      { ...claims, iss: issuer.issuer, iat: now(), exp: now() + 300 },
    ),
    hmacWithPublicKey: await new SignJWT({ ...claims, iss: issuer.issuer })
      .setProtectedHeader({ alg: 'HS256', kid: issuer.key.kid })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(hmacSecret),
    attackerWithIssuerKid: await forged({ kid: issuer.key.kid }),
    unknownKid: await forged({ kid: attacker.kid }),
    embeddedJwk: await forged({
      kid: attacker.kid,
      jwk: attacker.publicJwk,
      jku: attackerUrl,
      x5u: attackerUrl,
    }),
    oversize: `${'a'.repeat(9000)}.${'b'.repeat(10)}.${'c'.repeat(10)}`,
    attackerHits: () => attackerHits,
    close: () => new Promise((r) => attackerJwks.close(() => r())),
  }
}
