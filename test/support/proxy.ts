import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type ProxyMode =
  /** forward to the upstream */
  | 'up'
  /** accept the connection, then drop it: what a crashed issuer looks like */
  | 'down'
  /** answer 503 */
  | 'error'
  /** never answer (exercises client timeouts) */
  | 'hang'

export interface FaultProxy {
  readonly url: string
  readonly port: number
  mode: ProxyMode
  /** Where requests go when up. */
  target: { port: number }
  /** Requests seen, by path, in every mode. */
  readonly hits: Map<string, number>
  hitsFor(path: string): number
  /** Answer the next requests matching a path with these statuses, in order, then go on as usual. */
  script(
    path: string,
    responses: Array<{ status: number; headers?: Record<string, string>; body?: string }>,
  ): void
  close(): Promise<void>
}

/**
 * A fault-injecting HTTP proxy on loopback, between the code under test and the issuer.
 * The issuer's URL is the proxy's, so discovery, JWKS and token requests all pass through it.
 */
export async function startProxy(targetPort = 0): Promise<FaultProxy> {
  const hits = new Map<string, number>()
  const scripts = new Map<
    string,
    Array<{ status: number; headers?: Record<string, string>; body?: string }>
  >()
  const sockets = new Set<Socket>()
  const state: { mode: ProxyMode; target: { port: number } } = {
    mode: 'up',
    target: { port: targetPort },
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const scripted = scripts.get(path)?.shift()
    if (scripted) {
      res.writeHead(scripted.status, scripted.headers ?? {})
      res.end(scripted.body ?? '')
      return
    }
    if (state.mode === 'down') {
      req.socket.destroy()
      return
    }
    if (state.mode === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('unavailable')
      return
    }
    if (state.mode === 'hang') return
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: state.target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers)
        upstreamRes.pipe(res)
      },
    )
    upstream.on('error', () => req.socket.destroy())
    req.pipe(upstream)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get mode() {
      return state.mode
    },
    set mode(mode: ProxyMode) {
      state.mode = mode
      if (mode !== 'up') for (const socket of sockets) socket.destroy()
    },
    get target() {
      return state.target
    },
    set target(target: { port: number }) {
      state.target = target
    },
    hits,
    hitsFor: (path) => hits.get(path) ?? 0,
    script: (path, responses) => scripts.set(path, [...(scripts.get(path) ?? []), ...responses]),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
