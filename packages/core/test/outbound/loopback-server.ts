import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Recorded {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Answer {
  status?: number
  headers?: Record<string, string>
  /** Sent as JSON. */
  json?: unknown
}

export interface LoopbackServer {
  readonly url: string
  readonly requests: Recorded[]
  close(): Promise<void>
}

/**
 * A small HTTP server on 127.0.0.1 that records requests and answers through `answer`.
 *
 * LoginRadius, Capillary, Auth0 and Entra ID are third-party issuers we cannot run in a test.
 * Where a test needs their wire format, a loopback server implementing exactly their
 * documented token endpoint is the honest substitute: it checks what we send and answers
 * what they document. Everything RFC 6749 is tested against the real oidc-provider instead.
 */
export async function startLoopbackServer(
  answer: (request: Recorded) => Answer,
): Promise<LoopbackServer> {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(recorded)
      const { status = 200, headers = {}, json } = answer(recorded)
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(json === undefined ? '' : JSON.stringify(json))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
