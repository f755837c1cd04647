/**
 * The few node-redis v5 commands the store sends, as both `createClient()` and
 * `createCluster()` clients offer them (a Cluster client routes each call by its first key).
 * Typed structurally, so any client of either kind fits without casts.
 */
export interface RedisCommands {
  get(key: string): Promise<unknown>
  set(
    key: string,
    value: string,
    options: { expiration: { type: 'PX'; value: number }; condition?: 'NX' },
  ): Promise<unknown>
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

export function assertRedisClient(value: unknown): asserts value is RedisCommands {
  const client = value as Partial<Record<string, unknown>> | null | undefined
  for (const method of ['get', 'set', 'eval', 'evalSha'] as const) {
    if (typeof client?.[method] !== 'function') {
      throw new TypeError(
        '"client" must be a node-redis v5 client: createClient(...).connect() or createCluster(...)',
      )
    }
  }
}
