export interface TtlCacheOptions {
  /** Most entries kept; about the least recently used go first. */
  maxEntries: number
  /** Most bytes of keys and values (as reported by the caller) kept. */
  maxBytes: number
  /**
   * `'always'` (default): every `set` stores. `'adaptive'`: while the cache thrashes (most
   * entries it evicts were never read), a key is stored only on its second `set` within a
   * while; entries that are read bring it back to storing on the first.
   */
  admission?: 'always' | 'adaptive'
}

interface Entry<V> {
  readonly value: V
  readonly expiresAt: number
  readonly size: number
  /** Set by a hit since the entry last came up for eviction. */
  used: boolean
  /** Set by any hit since the entry was stored. */
  read: boolean
}

// The thrash score is an exponential moving average over evictions of "this entry was never
// read"; hits pull it down. Above the threshold, adaptive admission wants a second sighting.
const THRASH_STEP = 1 / 64
const HIT_STEP = 1 / 1024
const THRASHING = 0.75

/**
 * A bounded cache whose entries also expire, evicting about the least recently used first.
 * It is the "second chance" (CLOCK) approximation of LRU: a hit only sets a flag, so the hot
 * path never writes to the Map; when room is needed a hand walks the entries in insertion
 * order, clearing the flag of used ones and evicting the first unused one. The hand is a
 * live Map iterator kept between evictions, so no eviction rescans what came before it.
 * Entries are never served past `expiresAt`, however recently they were used.
 *
 * Adaptive admission (TinyLFU's "doorkeeper", only while thrashing): when nearly everything
 * stored is evicted unread — one-shot tokens, or more distinct keys than entries — storing
 * them buys nothing and costs the garbage collector a copy of every entry. Then a key is only
 * stored when its 32-bit hash is already in a small table of recently refused keys; the table
 * is a typed array, so remembering a refusal allocates nothing and keeps no key alive.
 */
export class TtlCache<V> {
  readonly #map = new Map<string, Entry<V>>()
  readonly #options: TtlCacheOptions
  #bytes = 0
  #hand: Iterator<[string, Entry<V>]> | undefined
  #thrash = 0
  readonly #doorkeeper: Int32Array | undefined

  constructor(options: TtlCacheOptions) {
    this.#options = options
    if (options.admission === 'adaptive' && options.maxEntries > 0) {
      // A power of two at least twice the entries (bounded: 1 MiB at most).
      let size = 1024
      while (size < options.maxEntries * 2 && size < 1 << 18) size *= 2
      this.#doorkeeper = new Int32Array(size)
    }
  }

  /** Whether adaptive admission currently wants a key seen twice before storing it. */
  get thrashing(): boolean {
    return this.#thrash > THRASHING
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
    if (!entry.read) {
      entry.read = true
      if (this.#thrash > 0) this.#thrash -= this.#thrash * HIT_STEP
    }
    return entry.value
  }

  /** The value held for `key`, expired or not, without counting as a use. */
  peek(key: string): V | undefined {
    return this.#map.get(key)?.value
  }

  set(key: string, value: V, expiresAt: number, size: number): void {
    if (size > this.#options.maxBytes || this.#options.maxEntries === 0) return
    if (this.#doorkeeper !== undefined && this.#thrash > THRASHING && !this.#seenBefore(key)) return
    const previous = this.#map.get(key)
    if (previous) this.#remove(key, previous)
    this.#map.set(key, { value, expiresAt, size, used: false, read: false })
    this.#bytes += size
    this.#evict(key)
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

  /** `added` was just stored: never its own victim, however used everything else is. */
  #evict(added: string): void {
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
      if (key === added) continue
      if (entry.used) {
        entry.used = false
      } else {
        this.#remove(key, entry)
        this.#thrash += ((entry.read ? 0 : 1) - this.#thrash) * THRASH_STEP
      }
    }
  }

  /** Records the key in the doorkeeper; true if it was there already (a second sighting). */
  #seenBefore(key: string): boolean {
    const table = this.#doorkeeper!
    // FNV-1a, 32-bit: a false "seen" only admits a key early, which is harmless.
    let hash = 0x811c9dc5
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
    const slot = hash & (table.length - 1)
    if (table[slot] === hash) return true
    table[slot] = hash
    return false
  }
}
