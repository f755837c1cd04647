import type { Principal } from '../principal.js'

/** A token accepted by an issuer verifier (signature or introspection), ready to cache. */
export interface Verified {
  readonly principal: Principal
  /** Milliseconds since the epoch after which the result must not be served. */
  readonly expiresAt: number
  readonly kid: string
}
