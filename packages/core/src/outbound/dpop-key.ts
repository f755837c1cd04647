import { createHash, createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto'
import { importJWK, type CryptoKey, type JWK } from 'jose'
import type { IssuerPreset } from './presets.js'

/** `dpop: true`, or the key to prove possession with: PKCS#8 PEM, a private JWK or a CryptoKey. */
export type DPoPOption =
  | boolean
  | {
      privateKey: string | JWK | CryptoKey
      /** JWS algorithm of the proofs; default from the key (ES256/ES384/ES512, EdDSA, PS256). */
      algorithm?: string
    }

/** The proof key, checked at construction; the CryptoKeys are imported on first use. */
export interface DPoPKey {
  readonly algorithm: string
  /** The public JWK that goes into every proof header (RFC 9449 §4.2). */
  readonly publicJwk: Readonly<JWK>
  /** RFC 7638 SHA-256 thumbprint: the `cnf.jkt` of the tokens bound to this key. */
  readonly jkt: string
  /** True when the caller gave the key, so every replica may hold the same one. */
  readonly given: boolean
  readonly keyPair: () => Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }>
}

const EC_ALGORITHMS: Readonly<Record<string, string>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
}
// RFC 7638 §3.2: the required members of each key type, in lexicographic order.
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
}

/** Checks the `dpop` option once; `undefined` when DPoP is off. */
export function dpopKey(value: unknown, preset: IssuerPreset): DPoPKey | undefined {
  if (value === undefined || value === false) return undefined
  if (preset.json !== undefined || preset.tokenHeader.name !== 'authorization')
    throw new TypeError('"dpop" is not supported by this preset: its issuer speaks no DPoP')
  if (value === true) {
    // A fresh ES256 key (RFC 9449 §5 leaves the choice to the client): P-256 is in every
    // issuer's dpop_signing_alg_values_supported.
    return keyOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, undefined, false)
  }
  if (typeof value !== 'object' || value === null || !('privateKey' in value))
    throw new TypeError('"dpop" must be true or { privateKey }')
  const { privateKey, algorithm } = value as { privateKey: unknown; algorithm?: unknown }
  if (algorithm !== undefined && (typeof algorithm !== 'string' || algorithm.length === 0))
    throw new TypeError('"dpop.algorithm" must be a non-empty string')
  const jwkAlg =
    isJwk(privateKey) && typeof privateKey.alg === 'string' ? privateKey.alg : undefined
  return keyOf(keyObjectOf(privateKey), algorithm ?? jwkAlg, true)
}

function keyOf(key: KeyObject, algorithm: string | undefined, given: boolean): DPoPKey {
  const jwk = key.export({ format: 'jwk' }) as JWK
  const alg = algorithm ?? defaultAlgorithm(jwk)
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? '']
  if (members === undefined) throw new TypeError('"dpop.privateKey" must be an EC, OKP or RSA key')
  const publicJwk = Object.freeze(
    Object.fromEntries(members.map((name) => [name, (jwk as Record<string, unknown>)[name]])),
  ) as JWK
  let pair: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> | undefined
  return Object.freeze({
    algorithm: alg,
    publicJwk,
    jkt: thumbprint(publicJwk, members),
    given,
    keyPair: () => (pair ??= importPair(jwk, publicJwk, alg)),
  })
}

async function importPair(
  jwk: JWK,
  publicJwk: JWK,
  alg: string,
): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  try {
    const [privateKey, publicKey] = await Promise.all([
      importJWK(jwk, alg, { extractable: false }),
      // openid-client requires an extractable public key: it goes into the proof header.
      importJWK(publicJwk, alg, { extractable: true }),
    ])
    if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array)
      throw new Error('symmetric')
    return { privateKey, publicKey }
  } catch {
    // jose's message is about the key; the key itself never goes into an error.
    throw new TypeError(`"dpop.privateKey" cannot sign ${alg} proofs`)
  }
}

function keyObjectOf(value: unknown): KeyObject {
  let key: KeyObject | undefined
  try {
    if (typeof value === 'string') key = createPrivateKey(value)
    else if (isJwk(value)) key = createPrivateKey({ key: value as never, format: 'jwk' })
    else if (typeof value === 'object' && value !== null && 'algorithm' in value)
      key = KeyObject.from(value as Parameters<typeof KeyObject.from>[0])
  } catch {
    // fall through: the same message for every unusable key, which is never repeated
  }
  if (key?.type === 'private') return key
  throw new TypeError(
    '"dpop.privateKey" must be a PKCS#8 PEM, a private JWK or a private CryptoKey',
  )
}

function defaultAlgorithm(jwk: JWK): string {
  if (jwk.kty === 'EC') {
    const alg = EC_ALGORITHMS[jwk.crv ?? '']
    if (alg !== undefined) return alg
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'RSA') return 'PS256'
  throw new TypeError('"dpop.privateKey" must be a P-256, P-384, P-521, Ed25519 or RSA key')
}

/** RFC 7638 §3: SHA-256 over the required members, no whitespace, in lexicographic order. */
function thumbprint(jwk: JWK, members: readonly string[]): string {
  const json = `{${members.map((name) => `"${name}":${JSON.stringify((jwk as Record<string, unknown>)[name])}`).join(',')}}`
  return createHash('sha256').update(json).digest('base64url')
}

function isJwk(value: unknown): value is JWK {
  return typeof value === 'object' && value !== null && 'kty' in value
}
