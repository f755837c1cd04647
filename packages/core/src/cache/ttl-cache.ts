export interface TtlCacheOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number
  /** Most bytes of keys and values (as reported by the caller) kept. */
  maxBytes: number
}

interface Entry<V> {
  value: V
  expiresAt: number
  size: number
}

/**
 * A bounded LRU whose entries also expire. Map keeps insertion order, so re-inserting on a
 * hit makes the first key the least recently used one. Entries are never served past
 * `expiresAt`, however recently they were used.
 */
export class TtlCache<V> {
  readonly #map = new Map<string, Entry<V>>()
  readonly #options: TtlCacheOptions
  #bytes = 0

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
    this.#map.delete(key)
    this.#map.set(key, entry)
    return entry.value
  }

  set(key: string, value: V, expiresAt: number, size: number): void {
    if (size > this.#options.maxBytes || this.#options.maxEntries === 0) return
    const previous = this.#map.get(key)
    if (previous) this.#remove(key, previous)
    this.#map.set(key, { value, expiresAt, size })
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
  }

  #remove(key: string, entry: Entry<V>): void {
    this.#map.delete(key)
    this.#bytes -= entry.size
  }

  #evict(): void {
    const { maxEntries, maxBytes } = this.#options
    for (const [key, entry] of this.#map) {
      if (this.#map.size <= maxEntries && this.#bytes <= maxBytes) return
      this.#remove(key, entry)
    }
  }
}
