import { createHash } from 'node:crypto'
import { resilientStore, type StoreFallbackEvent } from '../store/resilient-store.js'
import { assertStore, type Store } from '../store/types.js'
import { countStoreFallback } from '../telemetry/metrics.js'
import { createTokenCipher, type TokenCipher } from './token-cipher.js'

/** How followers wait for the replica that holds the lease. */
export interface LeasePolicy {
  /** The lease outlives a leader that died mid-request by at most this. */
  readonly leaseMs: number
  /** Followers wait this long for the leader's token, then ask the issuer themselves. */
  readonly waitMs: number
  readonly pollMs: number
}

/** What the token client needs to share its tokens with the fleet. */
export interface FleetConfig {
  readonly store: Store
  readonly cipher: TokenCipher
  readonly lease: LeasePolicy
}

interface Credential {
  readonly clientSecret: string | undefined
  readonly privateKey: { readonly key: unknown } | undefined
}

/**
 * Checks `store` once, at construction. Tokens rest in it sealed under a key derived from the
 * client's own credential (its secret, or its private key), which every replica of this client
 * holds and Redis does not; a CryptoKey that cannot be exported gives nothing to derive from.
 */
export function fleetOptions(
  store: unknown,
  onFallback: unknown,
  credential: Credential,
  timing: { timeoutMs: number; retries: number },
): FleetConfig | undefined {
  if (onFallback !== undefined && typeof onFallback !== 'function') {
    throw new TypeError('"onStoreFallback" must be a function')
  }
  if (store === undefined) return undefined
  assertStore(store, 'store')
  const secret = credentialBytes(credential)
  if (secret === undefined) {
    throw new TypeError(
      '"store" needs a clientSecret, a PEM or a JWK private key to seal shared tokens with; a non-extractable CryptoKey cannot be used',
    )
  }
  // A leader that died mid-request holds the lease no longer than one full try with retries.
  const leaseMs = Math.min(timing.timeoutMs * (timing.retries + 1) + 1_000, 60_000)
  return Object.freeze({
    store: resilientStore(store, {
      onFallback: (event) => {
        countStoreFallback(event.state)
        ;(onFallback as ((e: StoreFallbackEvent) => void) | undefined)?.(event)
      },
    }),
    cipher: createTokenCipher(secret),
    lease: Object.freeze({ leaseMs, waitMs: Math.min(leaseMs, 5_000), pollMs: 25 }),
  })
}

function credentialBytes({ clientSecret, privateKey }: Credential): Uint8Array | undefined {
  if (clientSecret !== undefined) return Buffer.from(clientSecret, 'utf8')
  const key = privateKey?.key
  if (typeof key === 'string') return Buffer.from(key, 'utf8')
  const d = (key as { d?: unknown } | undefined)?.d
  if (typeof d === 'string') return createHash('sha256').update(d).digest()
  return undefined
}
