import type { FetchLike } from '../http/fetch-json.js'
import type { TokenClientHooks } from './hooks.js'

/** Option checks shared by the token client; each TypeError names the option. */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export function optionalUrl(
  value: unknown,
  name: string,
  allowInsecure: boolean,
): string | undefined {
  if (value === undefined) return undefined
  const text = nonEmptyString(value, name)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new TypeError(`"${name}" must be an absolute URL`)
  }
  if (url.protocol === 'https:') return text
  if (url.protocol === 'http:' && (allowInsecure || LOOPBACK.has(url.hostname))) return text
  throw new TypeError(`"${name}" must be an https: URL (http: only on loopback)`)
}

export function hooks(value: unknown): TokenClientHooks {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null) throw new TypeError('"hooks" must be an object')
  for (const [name, hook] of Object.entries(value))
    if (typeof hook !== 'function') throw new TypeError(`"hooks.${name}" must be a function`)
  return value
}

export function stringRecord(value: unknown, name: string): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({})
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`"${name}" must be an object`)
  const out: Record<string, string> = {}
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new TypeError(`"${name}.${key}" must be a string`)
    out[key] = v
  }
  return Object.freeze(out)
}

export function fn<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw new TypeError(`"${name}" must be a function`)
  return value
}

export function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`"${name}" must be a non-empty string`)
  return value
}

export function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))
    throw new TypeError(`"${name}" must be a finite number >= 0`)
  return value
}

export function positive(value: unknown, name: string): number {
  if (nonNegative(value, name) === 0) throw new TypeError(`"${name}" must be a number > 0`)
  return value as number
}

export function atMost(value: number, max: number, name: string): number {
  if (value > max) throw new TypeError(`"${name}" must be at most ${max}`)
  return value
}

export function fraction(value: unknown, name: string): number {
  if (nonNegative(value, name) > 1) throw new TypeError(`"${name}" must be between 0 and 1`)
  return value as number
}

export function integer(value: unknown, name: string, max: number): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max)
    throw new TypeError(`"${name}" must be an integer from 0 to ${max}`)
  return value as number
}

// Looked up per call, so test tools that patch globalThis.fetch later still apply.
export const globalFetch: FetchLike = (input, init) => fetch(input, init)
