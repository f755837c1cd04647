import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  type JWK,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose'
import { isAsymmetric, keyFitsAlgorithm, verifySignature } from '../bearer/algorithms.js'
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
 * A proof is single-use, so this runs on every request: the signature is checked with
 * node:crypto's native verify (as bearer tokens are, bearer/algorithms.ts), and the proof key,
 * which a caller reuses for all its proofs, is imported and thumbprinted once.
 */
export async function verifyProof(proof: string, context: ProofContext): Promise<VerifiedProof> {
  if (proof.length > MAX_PROOF_LENGTH) throw badProof('the DPoP proof is too large')
  const parts = proof.split('.')
  if (parts.length !== 3) throw badProof('the DPoP proof is not a JWS')
  const [head, body, signature] = parts as [string, string, string]
  const header = proofHeader(proof)
  const alg = header.alg
  // RFC 9449 §4.3 steps 4-5, RFC 8725 §3.1: an asymmetric algorithm from the allowlist.
  if (typeof alg !== 'string' || !isAsymmetric(alg) || !context.config.algorithms.includes(alg)) {
    throw badProof('the DPoP proof algorithm is not allowed')
  }
  const { key, jkt } = await proofKey(publicJwk(header))
  if (!keyFitsAlgorithm(alg, key)) throw badProof('the DPoP proof key does not fit its algorithm')
  const input = Buffer.from(`${head}.${body}`, 'ascii')
  if (!verifySignature(alg, input, Buffer.from(signature, 'base64url'), key)) {
    throw badProof('the DPoP proof signature is invalid')
  }
  const payload = proofPayload(body)
  checkClaims(payload, context)
  return { jkt, jti: payload.jti!, nonce: payload.nonce }
}

/** RFC 9449 §4.3 steps 2-3: a JWS typed `dpop+jwt`, with no extension we would have to honour. */
function proofHeader(proof: string): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters
  try {
    header = decodeProtectedHeader(proof)
  } catch {
    throw badProof('the DPoP proof is not a JWS')
  }
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined
  if (typ !== 'dpop+jwt' && typ !== 'application/dpop+jwt') {
    throw badProof('the DPoP proof typ must be dpop+jwt, and its claims valid')
  }
  if (header.crit !== undefined) throw badProof('the DPoP proof has critical extensions')
  return header
}

function proofPayload(body: string): JWTPayload {
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    throw badProof('the DPoP proof is malformed')
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw badProof('the DPoP proof is malformed')
  }
  return payload as JWTPayload
}

/** Imported public keys and their RFC 7638 thumbprints, by the key's JSON; bounded. */
const keys = new Map<string, Promise<{ key: KeyObject; jkt: string }>>()
const MAX_KEYS = 1024

function proofKey(jwk: JWK): Promise<{ key: KeyObject; jkt: string }> {
  const id = JSON.stringify(jwk)
  let found = keys.get(id)
  if (found === undefined) {
    found = importProofKey(jwk)
    if (keys.size >= MAX_KEYS) keys.clear()
    keys.set(id, found)
    found.catch(() => keys.delete(id))
  }
  return found
}

async function importProofKey(jwk: JWK): Promise<{ key: KeyObject; jkt: string }> {
  let key: KeyObject
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
  } catch (error) {
    throw badProof('the DPoP proof jwk is not a usable public key', error)
  }
  return { key, jkt: await calculateJwkThumbprint(jwk, 'sha256') }
}

/** RFC 9449 §4.3 step 6: the header's `jwk` is a public key; a private one is refused. */
function publicJwk(header: ProtectedHeaderParameters): JWK {
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

export function badProof(description: string, cause?: unknown): AuthError {
  return new InvalidDpopProofError({ code: 'ERR_DPOP_PROOF_INVALID', description, cause })
}
