import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll } from 'vitest'
import {
  freePort,
  isPortFree,
  PortInUseError,
  redisCommand,
  spawnRedis,
  type RedisProcess,
} from './redis-process.js'
import { trackDir } from './redis-reaper.js'

export { isProcessRunning, waitForProcessGone } from './redis-process.js'

/** A real single-node redis-server on loopback, with no persistence. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** The current process's PID (a restart gives a new one). */
  readonly pid: number
  /** Its working directory: fresh and temporary, removed by close(). */
  readonly dir: string
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  close(): Promise<void>
  /** SIGKILLs the server: a crash, for outage tests. */
  kill(): Promise<void>
  /** Starts a fresh, empty server on the same port (after kill(), or to bounce it). */
  restart(): Promise<void>
  /** SIGSTOPs the server: connections stay open, nothing is answered (a hung Redis). */
  pause(): void
  /** SIGCONTs a paused server. */
  resume(): void
}

export interface RedisClusterNode {
  readonly url: string
  readonly port: number
  readonly pid: number
}

/** A real Redis Cluster of masters only, on loopback, with every slot covered. */
export interface RedisCluster {
  /** For node-redis `createCluster({ rootNodes })`. */
  readonly rootNodes: ReadonlyArray<{ url: string }>
  readonly nodes: readonly RedisClusterNode[]
  /** Stops every node and removes the cluster's directory. Idempotent. */
  close(): Promise<void>
  /** SIGKILLs node `index`: its slots become unreachable (there are no replicas). */
  killNode(index: number): Promise<void>
}

const PORT_TRIES = 10
const CLUSTER_SLOTS = 16_384
const CLUSTER_READY_TIMEOUT_MS = 10_000
// The cluster bus listens on port + 10000 (Redis Cluster spec, "cluster bus").
const BUS_PORT_OFFSET = 10_000

/** Starts redis-server on a free loopback port in a fresh temporary directory. */
export async function startRedis(): Promise<RedisServer> {
  const dir = await tempDir('m2m-auth-redis-')
  let current: RedisProcess
  try {
    current = await spawnOnFreePort(freePort, (port) => spawnRedis(port, dir.path))
  } catch (error) {
    await dir.remove()
    throw error
  }
  let closed = false
  return {
    url: urlOf(current.port),
    port: current.port,
    get pid() {
      return current.pid
    },
    dir: dir.path,
    async close() {
      if (closed) return
      closed = true
      await current.stop()
      await dir.remove()
    },
    kill: () => current.kill(),
    pause: () => current.pause(),
    resume: () => current.resume(),
    async restart() {
      if (closed) throw new Error('restart() after close()')
      await current.stop()
      current = await retryWhileInUse(() => spawnRedis(current.port, dir.path))
    },
  }
}

/** Starts `masters` cluster-enabled nodes, assigns them every slot and waits for `cluster_state:ok`. */
export async function startRedisCluster({ masters = 3 } = {}): Promise<RedisCluster> {
  if (!Number.isInteger(masters) || masters < 1)
    throw new TypeError('"masters" must be a positive integer')
  const dir = await tempDir('m2m-auth-redis-cluster-')
  const processes: RedisProcess[] = []
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await Promise.all(processes.map((node) => node.stop()))
    await dir.remove()
  }
  try {
    for (let i = 0; i < masters; i++) {
      const taken = processes.map((node) => node.port)
      processes.push(await spawnOnFreePort(() => freeClusterPort(taken), clusterNode(dir.path)))
    }
    await formCluster(processes.map((node) => node.port))
  } catch (error) {
    await close()
    throw error
  }
  const nodes = processes.map(({ port, pid }) => ({ url: urlOf(port), port, pid }))
  return {
    rootNodes: nodes.map(({ url }) => ({ url })),
    nodes,
    close,
    async killNode(index) {
      const node = processes[index]
      if (node === undefined) throw new RangeError(`no cluster node ${index}`)
      await node.kill()
    },
  }
}

/** A single redis-server for the enclosing suite: started in beforeAll, closed in afterAll. */
export function useRedis(): { readonly server: RedisServer } {
  let server: RedisServer | undefined
  beforeAll(async () => {
    server = await startRedis()
  })
  afterAll(() => server?.close())
  return {
    get server() {
      return server!
    },
  }
}

/** A Redis Cluster for the enclosing suite: started in beforeAll, closed in afterAll. */
export function useRedisCluster(options?: { masters?: number }): {
  readonly cluster: RedisCluster
} {
  let cluster: RedisCluster | undefined
  beforeAll(async () => {
    cluster = await startRedisCluster(options)
  })
  afterAll(() => cluster?.close())
  return {
    get cluster() {
      return cluster!
    },
  }
}

/** A fresh temporary directory, removed by `remove()` or, failing that, when the process ends. */
async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  const tracked = trackDir(path)
  return {
    path,
    async remove() {
      await rm(path, { recursive: true, force: true })
      tracked.release()
    },
  }
}

function urlOf(port: number): string {
  return `redis://127.0.0.1:${port}`
}

function clusterNode(dir: string): (port: number) => Promise<RedisProcess> {
  return (port) =>
    spawnRedis(port, dir, [
      ...['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'],
      ...['--cluster-config-file', join(dir, `nodes-${port}.conf`)],
      // Advertise loopback so CLUSTER SLOTS hands clients an address they can reach.
      ...['--cluster-announce-ip', '127.0.0.1'],
    ])
}

/** Picks a port, starts on it, and picks another if something took the port meanwhile. */
async function spawnOnFreePort(
  pick: () => Promise<number>,
  spawn: (port: number) => Promise<RedisProcess>,
): Promise<RedisProcess> {
  return retryWhileInUse(async () => spawn(await pick()))
}

async function retryWhileInUse(start: () => Promise<RedisProcess>): Promise<RedisProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start()
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= PORT_TRIES) throw error
      await delay(10 * attempt)
    }
  }
}

/** A free port whose cluster bus port (port + 10000) is free too, and not one we use. */
async function freeClusterPort(taken: readonly number[]): Promise<number> {
  const clashes = (port: number): boolean =>
    taken.some(
      (used) => [used, used + BUS_PORT_OFFSET].includes(port) || used === port + BUS_PORT_OFFSET,
    )
  for (let attempt = 0; attempt < PORT_TRIES * 5; attempt++) {
    const port = await freePort()
    if (port + BUS_PORT_OFFSET > 65_535 || clashes(port)) continue
    if (await isPortFree(port + BUS_PORT_OFFSET)) return port
  }
  throw new Error('no free port pair (port, port + 10000) for a cluster node')
}

/** Splits the slots evenly, introduces the nodes to each other, and waits until all agree. */
async function formCluster(ports: readonly number[]): Promise<void> {
  for (const [i, port] of ports.entries()) {
    const first = Math.floor((i * CLUSTER_SLOTS) / ports.length)
    const last = Math.floor(((i + 1) * CLUSTER_SLOTS) / ports.length) - 1
    const slots = Array.from({ length: last - first + 1 }, (_, k) => String(first + k))
    await redisCommand(port, ['CLUSTER', 'ADDSLOTS', ...slots])
    // Distinct epochs up front, as redis-cli --cluster create does, so no collision to resolve.
    await redisCommand(port, ['CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)])
  }
  for (const port of ports.slice(1)) {
    await redisCommand(ports[0]!, ['CLUSTER', 'MEET', '127.0.0.1', String(port)])
  }
  await waitUntilClusterOk(ports)
}

async function waitUntilClusterOk(ports: readonly number[]): Promise<void> {
  const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS
  let info = ''
  while (Date.now() < deadline) {
    const infos = await Promise.all(ports.map((port) => redisCommand(port, ['CLUSTER', 'INFO'])))
    const ready = (text: string): boolean =>
      text.includes('cluster_state:ok') && text.includes(`cluster_known_nodes:${ports.length}\r`)
    if (infos.every(ready)) return
    info = infos.find((text) => !ready(text)) ?? ''
    await delay(50)
  }
  throw new Error(`cluster not ok within ${CLUSTER_READY_TIMEOUT_MS} ms:\n${info}`)
}
