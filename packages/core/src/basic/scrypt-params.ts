/**
 * scrypt cost parameters (RFC 7914 §2) as written in a PHC string: `ln` is log2(N).
 * Bounds keep a hostile or corrupted store entry from asking for unbounded work or memory.
 */
export interface ScryptCost {
  /** log2 of the CPU/memory cost N. Default 15 (N = 32768, 32 MiB with r = 8). */
  readonly ln: number
  /** Block size. Default 8. */
  readonly r: number
  /** Parallelisation. Default 1. */
  readonly p: number
}

export const DEFAULT_SCRYPT_COST: ScryptCost = Object.freeze({ ln: 15, r: 8, p: 1 })

const LIMITS = { ln: [1, 20], r: [1, 32], p: [1, 16] } as const
/** scrypt needs 128 * r * N bytes (RFC 7914 §6); we allow up to 256 MiB. */
const MAX_MEMORY = 256 * 1024 * 1024

export function isValidCost(cost: ScryptCost): boolean {
  for (const name of ['ln', 'r', 'p'] as const) {
    const value = cost[name]
    const [min, max] = LIMITS[name]
    if (!Number.isInteger(value) || value < min || value > max) return false
  }
  return scryptMemory(cost) <= MAX_MEMORY
}

export function scryptMemory({ ln, r }: ScryptCost): number {
  return 128 * r * 2 ** ln
}

/** The options node:crypto's scrypt takes, with room above the default 32 MiB `maxmem`. */
export function scryptOptions(cost: ScryptCost): {
  N: number
  r: number
  p: number
  maxmem: number
} {
  return { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: scryptMemory(cost) * 2 + 1024 * 1024 }
}

export function costKey({ ln, r, p }: ScryptCost): string {
  return `ln=${ln},r=${r},p=${p}`
}

/** Validates a caller's cost at construction time; TypeError names the option. */
export function normalizeCost(value: Partial<ScryptCost> | undefined, name: string): ScryptCost {
  if (value === undefined) return DEFAULT_SCRYPT_COST
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`"${name}" must be an object { ln, r, p }`)
  }
  const cost = Object.freeze({
    ln: value.ln ?? DEFAULT_SCRYPT_COST.ln,
    r: value.r ?? DEFAULT_SCRYPT_COST.r,
    p: value.p ?? DEFAULT_SCRYPT_COST.p,
  })
  if (!isValidCost(cost)) {
    throw new TypeError(
      `"${name}" must have integer ln 1-20, r 1-32, p 1-16 and need at most 256 MiB`,
    )
  }
  return cost
}
