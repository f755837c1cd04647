/** How many servers' nonces are remembered; the least recently used is forgotten first. */
const MAX_ORIGINS = 100
// A nonce is an opaque server value (RFC 9449 §8.1: 1*NQCHAR); anything else is not remembered.
const NQCHAR = /^[\x21\x23-\x5b\x5d-\x7e]{1,1024}$/

/**
 * The last `DPoP-Nonce` each resource server gave (RFC 9449 §9), per origin, bounded: a client
 * that calls many hosts cannot grow it without limit.
 */
export class NonceMemory {
  readonly #nonces = new Map<string, string>()

  get(origin: string): string | undefined {
    const nonce = this.#nonces.get(origin)
    if (nonce !== undefined) {
      this.#nonces.delete(origin)
      this.#nonces.set(origin, nonce)
    }
    return nonce
  }

  /** Remembers the nonce a response carries, if any; true when it carried a usable one. */
  remember(origin: string, response: Response): boolean {
    const nonce = response.headers.get('dpop-nonce')
    if (nonce === null || !NQCHAR.test(nonce)) return false
    this.#nonces.delete(origin)
    if (this.#nonces.size >= MAX_ORIGINS) this.#nonces.delete(this.#nonces.keys().next().value!)
    this.#nonces.set(origin, nonce)
    return true
  }
}
