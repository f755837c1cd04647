import { createClient, createCluster } from 'redis'
import type { ReplicaConfig } from './replica-config.js'

/** The node-redis connection a replica's store runs over, single node or Cluster. */
export interface RedisConnection {
  /** What `redisStore()` takes: a connected client or cluster. */
  readonly client: unknown
  /** Whether commands reach Redis right now (for /ready and the test's waits). */
  isUp(): boolean
  /** Drops the connection at once: at shutdown Redis may be gone, and close() would wait. */
  destroy(): void
}

// Reconnect quickly and forever: an outage test restarts Redis and expects sharing to resume
// within a couple of seconds, and a replica never gives up on its store.
const reconnectStrategy = (retries: number): number => Math.min(50 * (retries + 1), 300)

/**
 * Connects as a production service would, listening for 'error': node-redis emits it on every
 * failed reconnect, and an unheard 'error' event would crash the process. Each is noted on
 * stderr once per outage, for the test's diagnostics.
 */
export async function connectRedis(
  redis: ReplicaConfig['redis'],
  log: (line: string) => void,
): Promise<RedisConnection> {
  let reported = false
  const onError = (error: Error): void => {
    if (!reported) log(`redis error: ${error.message}`)
    reported = true
  }
  if ('url' in redis) {
    const client = createClient({ url: redis.url, socket: { reconnectStrategy } })
    client.on('error', onError)
    client.on('ready', () => (reported = false))
    await client.connect()
    return { client, isUp: () => client.isReady, destroy: () => client.destroy() }
  }
  const cluster = createCluster({
    rootNodes: redis.clusterNodes.map((url) => ({ url })),
    defaults: { socket: { reconnectStrategy } },
  })
  cluster.on('error', onError)
  await cluster.connect()
  return { client: cluster, isUp: () => cluster.isOpen, destroy: () => cluster.destroy() }
}
