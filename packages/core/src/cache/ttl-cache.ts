export interface TtlCacheOptions {
  /** Most entries kept; about the least recently used go first. */
  maxEntries: number
  /** Most bytes of keys and values (as reported by the caller) kept. */
  maxBytes: number
}

interface Entry<V> {
  readonly value: V
  readonly expiresAt: number
  readonly size: number
  /** Set by a hit since the entry last came up for eviction. */
  used: boolean
}

/**
 * A bounded cache whose entries also expire, evicting about the least recently used first.
 * It is the "second chance" (CLOCK) approximation of LRU: a hit only sets a flag, so the hot
 * path never writes to the Map; when room is needed a hand walks the entries in insertion
 * order, clearing the flag of used ones and evicting the first unused one. The hand is a
 * live Map iterator kept between evictions, so no eviction rescans what came before it.
 * Entries are never served past `expiresAt`, however recently they were used.
 */
export class TtlCache<V> {
  readonly #map = new Map<string, Entry<V>>()
  readonly #options: TtlCacheOptions
  #bytes = 0
  #hand: Iterator<[string, Entry<V>]> | undefined

  constructor(options: TtlCacheOptions) {
    this.#options = options
  }

  get size(): number {
    return this.#map.size
  }

  get bytes(): number {
    return this.#bytes
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#map.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= now) {
      this.#remove(key, entry)
      return undefined
    }
    entry.used = true
    return entry.value
  }

  /** The value held for `key`, expired or not, without counting as a use. */
  peek(key: string): V | undefined {
    return this.#map.get(key)?.value
  }

  set(key: string, value: V, expiresAt: number, size: number): void {
    if (size > this.#options.maxBytes || this.#options.maxEntries === 0) return
    const previous = this.#map.get(key)
    if (previous) this.#remove(key, previous)
    this.#map.set(key, { value, expiresAt, size, used: false })
    this.#bytes += size
    this.#evict()
  }

  delete(key: string): void {
    const entry = this.#map.get(key)
    if (entry) this.#remove(key, entry)
  }

  /** Drops every entry the predicate selects, e.g. tokens signed by a key that left the JWKS. */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, entry] of this.#map) if (predicate(entry.value)) this.#remove(key, entry)
  }

  clear(): void {
    this.#map.clear()
    this.#bytes = 0
    this.#hand = undefined
  }

  #remove(key: string, entry: Entry<V>): void {
    this.#map.delete(key)
    this.#bytes -= entry.size
  }

  #evict(): void {
    const { maxEntries, maxBytes } = this.#options
    while (this.#map.size > maxEntries || this.#bytes > maxBytes) {
      let next = this.#hand?.next()
      if (next === undefined || next.done === true) {
        // Wrap around; Map iterators also see entries added since they were made.
        this.#hand = this.#map.entries()
        next = this.#hand.next()
        if (next.done === true) return
      }
      const [key, entry] = next.value
      if (entry.used) entry.used = false
      else this.#remove(key, entry)
    }
  }
}
