import { createHash } from 'node:crypto'
import type { RedisCommands } from './client.js'

export type RunScript = (keys: string[], args: string[]) => Promise<unknown>

/**
 * A Lua script sent by its SHA1 (EVALSHA), and in full once a node answers NOSCRIPT (a
 * restarted node, or a Cluster node that never saw it); Redis then caches it again.
 */
export function script(client: RedisCommands, source: string): RunScript {
  const sha1 = createHash('sha1').update(source).digest('hex')
  return async (keys, args) => {
    const options = { keys, arguments: args }
    try {
      return await client.evalSha(sha1, options)
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error
      return client.eval(source, options)
    }
  }
}
