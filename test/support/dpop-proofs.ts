import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

/** A client's DPoP key pair (RFC 9449 §4.2), as a client would hold it. */
export interface ProofKey {
  readonly privateKey: PrivateKey
  readonly publicJwk: JWK
  readonly privateJwk: JWK
}

export async function createProofKey(alg = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return {
    privateKey,
    publicJwk: await exportJWK(publicKey),
    privateJwk: await exportJWK(privateKey),
  }
}

export interface ProofClaims {
  htm: string
  htu: string
  /** The access token the proof is for; `ath` is derived from it (RFC 9449 §4.2). */
  token?: string
  ath?: string
  nonce?: string
  iat?: number
  jti?: string
}

/** A DPoP proof JWT signed with jose, with any header member overridden for attacks. */
export async function signProof(
  key: ProofKey,
  claims: ProofClaims,
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: claims.htm,
    htu: claims.htu,
    iat: claims.iat ?? Math.floor(Date.now() / 1000),
    jti: claims.jti ?? randomUUID(),
  }
  const ath = claims.ath ?? (claims.token === undefined ? undefined : tokenHash(claims.token))
  if (ath !== undefined) payload.ath = ath
  if (claims.nonce !== undefined) payload.nonce = claims.nonce
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...header })
    .sign(key.privateKey)
}

/** An unsecured JWS (`alg: none`): what an attacker without any key would send. */
export function unsignedProof(key: ProofKey, claims: ProofClaims): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const header = { alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk }
  const payload = {
    htm: claims.htm,
    htu: claims.htu,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ath: claims.token === undefined ? undefined : tokenHash(claims.token),
  }
  return `${encode(header)}.${encode(payload)}.`
}

/** A proof MACed with HS256 under a made-up secret, its header naming the client's public key. */
export async function hmacProof(key: ProofKey, claims: ProofClaims): Promise<string> {
  return new SignJWT({
    htm: claims.htm,
    htu: claims.htu,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ath: claims.token === undefined ? undefined : tokenHash(claims.token),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .sign(randomBytes(32))
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}
