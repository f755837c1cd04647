import { createHash } from 'node:crypto'
import { InvalidDpopProofError } from '../errors.js'
import type { Store } from '../store/types.js'

/**
 * RFC 9449 §11.1: a proof is single-use. Its `jti` is recorded with one atomic set-if-absent in
 * the authenticator's store (in-process by default; with a shared store, every replica sees every
 * other's proofs), for as long as the proof could still be accepted. The key holds hashes only:
 * `dpop:{<jkt tag>}:jti:<sha256(jti)>`, the hash tag keeping one key's proofs on one Cluster slot.
 */
export function createReplayCheck(
  store: Store,
): (jkt: string, jti: string, ttlMs: number) => Promise<void> {
  return async (jkt, jti, ttlMs) => {
    const key = `dpop:{${sha256(jkt).slice(0, 16)}}:jti:${sha256(jti)}`
    if (!(await store.setIfAbsent(key, '1', ttlMs))) {
      throw new InvalidDpopProofError({
        code: 'ERR_DPOP_PROOF_REPLAYED',
        description: 'the DPoP proof was already used',
      })
    }
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}
