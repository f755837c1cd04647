import type { Store } from '@m2m-auth/core'
import { assertRedisClient } from './client.js'
import { script } from './script.js'
import { DELETE_IF_EQUALS } from './scripts/delete-if-equals.js'
import { INCREMENT } from './scripts/increment.js'

export interface RedisStoreOptions {
  /**
   * Prepended to every key, so services sharing one Redis keep apart: `'calendar:'`. Default
   * `'m2m-auth:'`. No braces: core's keys carry their own `{hash tag}` for Cluster slots.
   */
  prefix?: string
}

/**
 * The `Store` primitives on node-redis v5, for a single node (`createClient().connect()`) or a
 * Cluster (`createCluster().connect()`). Only primitives: every policy (what is counted, for
 * how long, what happens when Redis is unreachable) is core's. Each primitive touches one key,
 * so each is atomic and one Cluster slot; the two that need several steps are Lua scripts.
 */
export function redisStore(client: unknown, options: RedisStoreOptions = {}): Store {
  assertRedisClient(client)
  const prefix = checkPrefix(options.prefix ?? 'm2m-auth:')
  const increment = script(client, INCREMENT)
  const deleteIfEquals = script(client, DELETE_IF_EQUALS)
  const px = (ttlMs: number) => ({ type: 'PX' as const, value: Math.max(1, Math.ceil(ttlMs)) })

  return {
    async increment(key, delta, ttlMs) {
      const args = [String(Math.trunc(delta)), String(px(ttlMs).value)]
      return Number(await increment([prefix + key], args))
    },
    async get(key) {
      return textOf(await client.get(prefix + key))
    },
    async set(key, value, ttlMs) {
      await client.set(prefix + key, value, { expiration: px(ttlMs) })
    },
    async setIfAbsent(key, value, ttlMs) {
      const reply = await client.set(prefix + key, value, {
        expiration: px(ttlMs),
        condition: 'NX',
      })
      return reply === 'OK'
    },
    async deleteIfEquals(key, value) {
      return Number(await deleteIfEquals([prefix + key], [value])) === 1
    },
  }
}

/**
 * A reply as text: a client set up to map bulk strings to Buffers (withTypeMapping) answers
 * those. Anything else is an error, never "absent": a lock that reads as absent unlocks a till.
 */
function textOf(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined
  if (typeof reply === 'string') return reply
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8')
  throw new TypeError(`redis answered GET with a ${typeof reply}, not a string`)
}

function checkPrefix(value: unknown): string {
  if (typeof value !== 'string' || /[{}\s]/.test(value) || value.length > 64) {
    throw new TypeError(
      '"prefix" must be a string of at most 64 characters without braces or spaces',
    )
  }
  return value
}
