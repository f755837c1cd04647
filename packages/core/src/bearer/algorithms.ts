import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto'

export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const

export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number]
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number]
export type JwsAlgorithm = AsymmetricAlgorithm | HmacAlgorithm

const HASH: Readonly<Record<JwsAlgorithm, string | null>> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
  EdDSA: null,
  Ed25519: null,
}

// RFC 7518 §3.4: ECDSA signatures are R || S, fixed length per curve.
const EC: Readonly<Record<string, { curve: string; signatureLength: number }>> = {
  ES256: { curve: 'prime256v1', signatureLength: 64 },
  ES384: { curve: 'secp384r1', signatureLength: 96 },
  ES512: { curve: 'secp521r1', signatureLength: 132 },
}

export function isAsymmetric(alg: string): alg is AsymmetricAlgorithm {
  return (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)
}

export function isHmac(alg: string): alg is HmacAlgorithm {
  return (HMAC_ALGORITHMS as readonly string[]).includes(alg)
}

/** RFC 8725 §3.1: the key's type must match the algorithm the token names. */
export function keyFitsAlgorithm(alg: AsymmetricAlgorithm, key: KeyObject): boolean {
  const type = key.asymmetricKeyType
  switch (alg[0]) {
    case 'R':
    case 'P': // RFC 7518 §3.3, §3.5: RSA keys of 2048 bits or more
      return (
        (type === 'rsa' || type === 'rsa-pss') &&
        (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048
      )
    case 'E':
      if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448'
      if (alg === 'Ed25519') return type === 'ed25519'
      return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === EC[alg]?.curve
    default:
      return false
  }
}

/** Checks a JWS signature with node:crypto's native verify (RFC 7518 §3). */
export function verifySignature(
  alg: AsymmetricAlgorithm,
  signingInput: Buffer,
  signature: Buffer,
  key: KeyObject,
): boolean {
  const hash = HASH[alg]
  try {
    switch (alg[0]) {
      case 'R':
        return verify(hash, signingInput, key, signature)
      case 'P':
        return verify(
          hash,
          signingInput,
          {
            key,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          },
          signature,
        )
      default:
        if (hash === null) return verify(null, signingInput, key, signature)
        if (signature.length !== EC[alg]?.signatureLength) return false
        return verify(hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature)
    }
  } catch {
    return false
  }
}

/** HS* with a configured shared secret, compared in constant time. */
export function verifyHmac(
  alg: HmacAlgorithm,
  signingInput: Buffer,
  signature: Buffer,
  secret: Uint8Array,
): boolean {
  const expected = createHmac(HASH[alg]!, secret).update(signingInput).digest()
  return expected.length === signature.length && timingSafeEqual(expected, signature)
}
