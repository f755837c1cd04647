import { createHash } from 'node:crypto'
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose'
import { InvalidDpopProofError, type AuthError } from '../errors.js'
import type { DpopConfig } from './dpop-options.js'
import { normalizeHtu } from './htu.js'

/** What the request says, for comparing with what the proof claims. */
export interface ProofContext {
  readonly method: string
  /** The request URL, already normalised by `normalizeHtu`. */
  readonly htu: string
  readonly token: string
  readonly config: DpopConfig
  /** Seconds a proof's `iat` may lie ahead of our clock (the issuer's `clockTolerance`). */
  readonly clockTolerance: number
}

export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key, to compare with the token's `cnf.jkt`. */
  readonly jkt: string
  readonly jti: string
  readonly nonce: unknown
}

/** A proof is a small JWT; anything larger is refused before parsing (RFC 8725 spirit). */
const MAX_PROOF_LENGTH = 8192
// RFC 7517 / RFC 7518 §6: members that only a private (or secret) key has.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

/**
 * RFC 9449 §4.3: checks one DPoP proof against the request and the access token. The replay
 * (`jti`) and nonce checks need state and live with the caller; everything here is pure.
 */
export async function verifyProof(proof: string, context: ProofContext): Promise<VerifiedProof> {
  if (proof.length > MAX_PROOF_LENGTH) throw badProof('the DPoP proof is too large')
  const jwk = publicJwk(proof)
  let payload: JWTPayload
  try {
    ;({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: context.config.algorithms as string[],
    }))
  } catch (error) {
    throw joseFailure(error)
  }
  checkClaims(payload, context)
  return {
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    jti: payload.jti!,
    nonce: payload.nonce,
  }
}

/** RFC 9449 §4.3 step 6: the header's `jwk` is a public key; a private one is refused. */
function publicJwk(proof: string): JWK {
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(proof)
  } catch {
    throw badProof('the DPoP proof is not a JWS')
  }
  const jwk = header.jwk
  if (typeof jwk !== 'object' || jwk === null) throw badProof('the DPoP proof has no jwk header')
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    throw badProof('the DPoP proof jwk must be a public key')
  }
  return jwk
}

/** RFC 9449 §4.3 steps 8-12: what the proof claims about this request and this token. */
function checkClaims(payload: JWTPayload, context: ProofContext): void {
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) {
    throw badProof('the DPoP proof has no valid jti')
  }
  if (payload.htm !== context.method) throw badProof('the DPoP proof htm does not match')
  const htu = typeof payload.htu === 'string' ? normalizeHtu(payload.htu) : undefined
  if (htu === undefined || htu !== context.htu) throw badProof('the DPoP proof htu does not match')
  const now = Date.now() / 1000
  const iat = payload.iat
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw badProof('the DPoP proof has no iat')
  if (iat < now - context.config.iatWindowSec) throw badProof('the DPoP proof is too old')
  if (iat > now + context.clockTolerance) throw badProof('the DPoP proof iat is in the future')
  // RFC 9449 §4.3 step 12 / §7: the proof is for this very access token.
  if (payload.ath !== accessTokenHash(context.token)) {
    throw badProof('the DPoP proof ath does not match the access token')
  }
}

/** RFC 9449 §4.2 `ath`: base64url of the SHA-256 of the ASCII access token. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url')
}

/** jose's errors, by code, in client-safe words; the original stays as `cause`. */
function joseFailure(error: unknown): AuthError {
  switch ((error as { code?: unknown } | null)?.code) {
    case errors.JOSEAlgNotAllowed.code:
    case errors.JOSENotSupported.code:
      return badProof('the DPoP proof algorithm is not allowed', error)
    case errors.JWSSignatureVerificationFailed.code:
      return badProof('the DPoP proof signature is invalid', error)
    case errors.JWTClaimValidationFailed.code:
      return badProof('the DPoP proof typ must be dpop+jwt, and its claims valid', error)
    default:
      return badProof('the DPoP proof is malformed', error)
  }
}

export function badProof(description: string, cause?: unknown): AuthError {
  return new InvalidDpopProofError({ code: 'ERR_DPOP_PROOF_INVALID', description, cause })
}
