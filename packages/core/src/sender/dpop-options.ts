import { isAsymmetric, type AsymmetricAlgorithm } from '../bearer/algorithms.js'
import { createNonceSource, type NonceSource } from './dpop-nonce.js'

/** DPoP-bound tokens from one issuer (RFC 9449). */
export interface DpopOptions {
  /** Refuse tokens that are not DPoP-bound (plain bearer tokens). Default false. */
  required?: boolean
  /**
   * Require a server-provided nonce in every proof (RFC 9449 §9). Nonces are derived from the
   * secret and the time, so every replica configured with the same secret accepts them.
   */
  nonce?: { secret: string | Uint8Array }
  /** Seconds a proof is accepted after its `iat`, and how long its `jti` is remembered. Default 60. */
  iatWindowSec?: number
  /** Proof algorithms accepted; asymmetric only. Default ES256, ES384, EdDSA, RS256, PS256. */
  algorithms?: readonly AsymmetricAlgorithm[]
}

/** The validated form used at request time. */
export interface DpopConfig {
  readonly required: boolean
  readonly nonce: NonceSource | undefined
  readonly iatWindowSec: number
  readonly algorithms: readonly AsymmetricAlgorithm[]
}

export const DEFAULT_DPOP_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze([
  'ES256',
  'ES384',
  'EdDSA',
  'RS256',
  'PS256',
])

export function normalizeDpop(
  options: DpopOptions | undefined,
  at: string,
): DpopConfig | undefined {
  if (options === undefined) return undefined
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`"${at}" must be an object`)
  }
  if (options.required !== undefined && typeof options.required !== 'boolean') {
    throw new TypeError(`"${at}.required" must be a boolean`)
  }
  const window = options.iatWindowSec ?? 60
  if (typeof window !== 'number' || !Number.isFinite(window) || window <= 0 || window > 3600) {
    throw new TypeError(`"${at}.iatWindowSec" must be a number of seconds > 0 and <= 3600`)
  }
  return Object.freeze({
    required: options.required === true,
    nonce: nonceSource(options.nonce, `${at}.nonce`),
    iatWindowSec: window,
    algorithms: proofAlgorithms(options.algorithms, `${at}.algorithms`),
  })
}

function nonceSource(value: DpopOptions['nonce'], at: string): NonceSource | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null) throw new TypeError(`"${at}" must be an object`)
  const secret = value.secret
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret
  // A guessable secret lets anyone mint nonces; 256 bits, as for HS256 token secrets.
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) {
    throw new TypeError(`"${at}.secret" must be at least 32 bytes`)
  }
  return createNonceSource(new Uint8Array(bytes))
}

function proofAlgorithms(value: unknown, at: string): readonly AsymmetricAlgorithm[] {
  if (value === undefined) return DEFAULT_DPOP_ALGORITHMS
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`"${at}" must be a non-empty array`)
  }
  for (const alg of value as unknown[]) {
    // RFC 9449 §4.2: the proof is signed with an asymmetric key; `none` and MACs never.
    if (typeof alg !== 'string' || !isAsymmetric(alg)) {
      throw new TypeError(`"${at}" has unsupported algorithm ${JSON.stringify(alg)}`)
    }
  }
  return Object.freeze([...new Set(value as AsymmetricAlgorithm[])])
}
