import { TtlCache } from '../cache/ttl-cache.js'
import {
  cacheKey,
  mergeParams,
  type RequestParams,
  type TokenRequestOptions,
} from './request-params.js'
import type { TokenSlot } from './token-slot.js'

export interface SlotRegistry {
  /** The slot for the client's default scope, audience and resource. */
  readonly defaultSlot: TokenSlot
  /** The slot for these per-call options; throws a TypeError for a malformed option. */
  slotFor(options: TokenRequestOptions): TokenSlot
  invalidateAll(): void
}

/**
 * Finds the token slot for per-call options. The canonical key (endpoint, client, sorted
 * scopes, audience, resources) is built once per distinct way of asking; after that a call
 * costs one short string and a Map lookup, so `getToken({ scope })` stays cheap too.
 */
export function createSlotRegistry(
  endpointId: string,
  clientId: string,
  defaults: RequestParams,
  newSlot: (params: RequestParams) => TokenSlot,
): SlotRegistry {
  const defaultKey = cacheKey(endpointId, clientId, defaults)
  const defaultSlot = newSlot(defaults)
  const slots = new TtlCache<TokenSlot>({ maxEntries: 100, maxBytes: Number.POSITIVE_INFINITY })
  const byAsking = new Map<string, TokenSlot>()

  const canonical = (options: TokenRequestOptions): TokenSlot => {
    const params = mergeParams(defaults, options)
    const key = cacheKey(endpointId, clientId, params)
    if (key === defaultKey) return defaultSlot
    let slot = slots.get(key, 0)
    if (slot === undefined) {
      slot = newSlot(params)
      slots.set(key, slot, Number.POSITIVE_INFINITY, key.length)
    }
    return slot
  }

  return {
    defaultSlot,
    slotFor(options) {
      const asked = askingKey(options)
      if (asked === undefined) return canonical(options) // malformed: let it throw its TypeError
      const known = byAsking.get(asked)
      if (known !== undefined) return known
      const slot = canonical(options)
      if (byAsking.size >= 1_000) byAsking.clear() // bounded: callers may build options freely
      byAsking.set(asked, slot)
      return slot
    },
    invalidateAll() {
      defaultSlot.invalidate()
      slots.deleteWhere((slot) => (slot.invalidate(), true))
      byAsking.clear()
    },
  }
}

/** The options exactly as given; strings and lists are told apart, so no two askings collide. */
function askingKey({ scope, audience, resource }: TokenRequestOptions): string | undefined {
  const parts = [part(scope), part(audience), part(resource)]
  return parts.includes(undefined) ? undefined : parts.join('\n')
}

function part(value: unknown): string | undefined {
  if (value === undefined) return '-'
  if (typeof value === 'string') return `s${value}`
  return Array.isArray(value) ? `a${value.join('\u0000')}` : undefined
}
