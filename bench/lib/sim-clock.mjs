// Simulated time for the fleet simulation: a clock that Date.now() reads while it runs, and a
// Store wrapper that makes Redis keys expire on that clock (Redis itself keeps real time).

/** `set(ms)` moves the clock to `ms` after `start()`; `Date.now()` reads it until `stop()`. */
export function simulatedClock() {
  const realNow = Date.now
  const base = realNow()
  let offset = 0
  const now = () => base + offset
  return {
    now,
    set(ms) {
      if (ms < offset) throw new Error('the simulated clock only moves forward')
      offset = ms
    },
    start: () => void (Date.now = now),
    stop: () => void (Date.now = realNow),
  }
}

/**
 * Notes the simulated expiry of every key the wrapped stores write (the same rules as the
 * Store contract: `set` renews, `increment` keeps the expiry of an existing key) and, on
 * `expireUntil(now)`, has `drop(key)` delete the keys whose time has come, as Redis would
 * have at that instant. One instance for all replicas: they share the keys.
 */
export function expiringStore(drop) {
  const latest = new Map()
  const queues = new Map()
  const note = (key, ttlMs, at) => {
    latest.set(key, at + ttlMs)
    let queue = queues.get(ttlMs)
    if (queue === undefined) queues.set(ttlMs, (queue = { items: [], head: 0 }))
    queue.items.push({ key, at: at + ttlMs })
  }
  return {
    wrap: (store, now) => ({
      async increment(key, delta, ttlMs) {
        const value = await store.increment(key, delta, ttlMs)
        if (!latest.has(key)) note(key, ttlMs, now())
        return value
      },
      get: (key) => store.get(key),
      async set(key, value, ttlMs) {
        await store.set(key, value, ttlMs)
        note(key, ttlMs, now())
      },
      async setIfAbsent(key, value, ttlMs) {
        const stored = await store.setIfAbsent(key, value, ttlMs)
        if (stored) note(key, ttlMs, now())
        return stored
      },
      async deleteIfEquals(key, value) {
        const deleted = await store.deleteIfEquals(key, value)
        if (deleted) latest.delete(key)
        return deleted
      },
    }),
    /** Queues per TTL stay in expiry order: the clock only moves forward. */
    async expireUntil(now) {
      for (const queue of queues.values()) {
        while (queue.head < queue.items.length && queue.items[queue.head].at <= now) {
          const { key, at } = queue.items[queue.head++]
          if (latest.get(key) !== at) continue
          latest.delete(key)
          await drop(key)
        }
      }
    },
  }
}
