import { createHash, randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import type { DPoPKey } from './dpop-key.js'

/** What one proof is for: the request, and the token it presents. */
export interface ProofRequest {
  readonly method: string
  readonly url: URL
  readonly accessToken: string
  readonly nonce: string | undefined
}

/**
 * A DPoP proof JWT for one request (RFC 9449 §4.2): `typ: dpop+jwt`, the public key in `jwk`,
 * a fresh `jti` (128 random bits) so the server can refuse replays, `htm` and `htu` (the URL
 * without query and fragment, §4.3 check 9), `iat`, `ath` (§4.2: base64url SHA-256 of the
 * access token, which binds the proof to it) and the server's `nonce` when it gave one (§9).
 */
export async function signProof(key: DPoPKey, request: ProofRequest): Promise<string> {
  const { privateKey } = await key.keyPair()
  const { url } = request
  return new SignJWT({
    htm: request.method.toUpperCase(),
    htu: `${url.origin}${url.pathname}`,
    ath: createHash('sha256').update(request.accessToken).digest('base64url'),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: key.algorithm, jwk: key.publicJwk })
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt()
    .sign(privateKey)
}
