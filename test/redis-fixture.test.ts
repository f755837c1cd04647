import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import {
  ClientOfflineError,
  createClient,
  createCluster,
  SocketTimeoutError,
  type RedisClientType,
  type RedisClusterType,
} from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  isProcessRunning,
  startRedis,
  useRedis,
  useRedisCluster,
  waitForProcessGone,
} from './support/redis.js'

const SAME_TAG_SCRIPT = `redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[1])
return redis.call('MGET', KEYS[1], KEYS[2])`

describe('single-node redis fixture', () => {
  const redis = useRedis()
  let client: RedisClientType

  beforeAll(async () => {
    client = createClient({ url: redis.server.url })
    await client.connect()
  })
  afterAll(() => client?.close())

  it('serves SET and GET to a node-redis client', async () => {
    await client.set('greeting', 'hello', { EX: 60 })
    expect(await client.get('greeting')).toBe('hello')
  })

  it('runs a script with keys and arguments through eval()', async () => {
    const reply = await client.eval(SAME_TAG_SCRIPT, { keys: ['s:a', 's:b'], arguments: ['v'] })
    expect(reply).toEqual(['v', 'v'])
  })
})

describe('single-node redis faults', () => {
  it('kill() makes client calls fail until restart() brings back an empty server', async () => {
    const server = await startRedis()
    // No offline queue: a call during the outage fails at once instead of waiting.
    const client = createClient({ url: server.url, disableOfflineQueue: true })
    // node-redis emits 'error' on every failed reconnect; an unheard one would throw.
    let disconnected!: () => void
    const firstError = new Promise<void>((resolve) => (disconnected = resolve))
    client.on('error', () => disconnected())
    try {
      await client.connect()
      await client.set('k', 'v')
      await server.kill()
      await firstError
      await expect(client.get('k')).rejects.toThrow(ClientOfflineError)
      const reconnected = new Promise((resolve) => client.once('ready', resolve))
      await server.restart()
      await reconnected
      expect(await client.get('k')).toBeNull()
    } finally {
      client.destroy()
      await server.close()
    }
  })

  it('pause() leaves calls unanswered until resume(), with the data intact', async () => {
    const server = await startRedis()
    // A command timeout would not help: in node-redis v5 it bounds only the wait to be
    // written. The socket's idle timeout is what notices a server that stopped answering.
    const client = createClient({ url: server.url, socket: { socketTimeout: 200 } })
    client.on('error', () => {})
    const fresh = createClient({ url: server.url })
    try {
      await client.connect()
      await client.set('k', 'v')
      server.pause()
      await expect(client.get('k')).rejects.toThrow(SocketTimeoutError)
      server.resume()
      await fresh.connect()
      expect(await fresh.get('k')).toBe('v')
    } finally {
      for (const c of [client, fresh]) if (c.isOpen) c.destroy()
      await server.close()
    }
  })

  it('close() leaves no redis-server process behind', async () => {
    const server = await startRedis()
    const pid = server.pid
    expect(isProcessRunning(pid)).toBe(true)
    await server.close()
    expect(isProcessRunning(pid)).toBe(false)
    expect(existsSync(server.dir)).toBe(false)
  })

  // How a test worker may end: process.exit(), vitest's SIGTERM, or a SIGKILL after a hang.
  // Only the kernel acts on a SIGKILL: the server dies, its (empty) directory stays.
  it.for([
    { ending: 'exit', cleansDir: true },
    { ending: 'SIGTERM', cleansDir: true },
    { ending: 'SIGKILL', cleansDir: false },
  ] as const)(
    'a test process ended by $ending leaves no redis-server behind',
    async ({ ending, cleansDir }, { expect }) => {
      const orphan = await orphanCandidate(ending)
      try {
        expect(await waitForProcessGone(orphan.pid)).toBe(true)
        if (cleansDir) expect(existsSync(orphan.dir)).toBe(false)
      } finally {
        if (isProcessRunning(orphan.pid)) process.kill(orphan.pid, 'SIGKILL')
        rmSync(orphan.dir, { recursive: true, force: true })
      }
    },
  )
})

/** Runs a child that starts redis and never closes it, and ends it as told. */
async function orphanCandidate(ending: 'exit' | NodeJS.Signals): Promise<RedisServerTrace> {
  const fixture = fileURLToPath(new URL('./support/redis.ts', import.meta.url))
  const script = `import { startRedis } from ${JSON.stringify(fixture)}
const { pid, dir } = await startRedis()
process.stdout.write(JSON.stringify({ pid, dir }) + '\\n')
${ending === 'exit' ? 'process.exit(0)' : 'setInterval(() => {}, 1000)'}`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit')
  const printed = once(createInterface({ input: child.stdout }), 'line') as Promise<[string]>
  const early = exited.then(() =>
    Promise.reject(new Error('the child exited before starting redis')),
  )
  const [line] = await Promise.race([printed, early])
  if (ending !== 'exit') child.kill(ending)
  await exited
  return JSON.parse(line) as RedisServerTrace
}

interface RedisServerTrace {
  pid: number
  dir: string
}

describe('redis cluster fixture', () => {
  const redis = useRedisCluster()
  let cluster: RedisClusterType

  beforeAll(async () => {
    // No offline queue: a call for a dead node's slot fails at once instead of waiting.
    const defaults = { disableOfflineQueue: true }
    cluster = createCluster({ rootNodes: [...redis.cluster.rootNodes], defaults })
    await cluster.connect()
  })
  // destroy(), not close(): by then killNode() has left a node that will never answer.
  afterAll(() => cluster?.destroy())

  it('routes keys in different slots to their own masters', async () => {
    // 'bar', 'c' and 'foo' hash to slots 5061, 7365 and 12182: one per master.
    const keys = ['bar', 'c', 'foo']
    const masters = await Promise.all(
      keys.map(async (key) => cluster.getSlotMaster(await cluster.clusterKeySlot(key))),
    )
    expect(new Set(masters.map((master) => master.port)).size).toBe(3)
    expect(masters.map((m) => m.port).sort()).toEqual(redis.cluster.nodes.map((n) => n.port).sort())
    for (const [i, key] of keys.entries()) {
      await cluster.set(key, `value-${i}`)
      expect(await cluster.get(key)).toBe(`value-${i}`)
      const owner = await cluster.nodeClient(masters[i]!)
      expect(await owner.get(key)).toBe(`value-${i}`)
    }
  })

  it('puts keys that share a {hash tag} in one slot', async () => {
    const slots = await Promise.all(
      ['{till:42}:failures', '{till:42}:lock', 'till:42'].map((key) => cluster.clusterKeySlot(key)),
    )
    expect(new Set(slots).size).toBe(1)
  })

  it('runs a script over two keys with the same hash tag', async () => {
    const keys = ['{till:42}:failures', '{till:42}:lock']
    expect(await cluster.eval(SAME_TAG_SCRIPT, { keys, arguments: ['v'] })).toEqual(['v', 'v'])
  })

  it('rejects a script over keys in different slots with CROSSSLOT', async () => {
    const keys = ['foo', 'bar']
    await expect(cluster.eval(SAME_TAG_SCRIPT, { keys, arguments: ['v'] })).rejects.toThrow(
      /^CROSSSLOT/,
    )
  })

  // The last two take the cluster down; vitest runs a file's tests in order.
  it('killNode() fails calls routed to that node', async () => {
    const slot = await cluster.clusterKeySlot('bar')
    const port = cluster.getSlotMaster(slot).port
    const nodeDown = once(cluster, 'node-error')
    await redis.cluster.killNode(redis.cluster.nodes.findIndex((node) => node.port === port))
    await nodeDown
    await expect(cluster.get('bar')).rejects.toThrow(ClientOfflineError)
  })

  it('close() stops every node, killed or not', async () => {
    await redis.cluster.close()
    const running = redis.cluster.nodes.filter((node) => isProcessRunning(node.pid))
    expect(running).toEqual([])
  })
})
