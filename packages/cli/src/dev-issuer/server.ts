import { generateKeyPair } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { quietNotices } from './quiet-notices.js'
import type { DevIssuerSetup } from './setup.js'

export interface DevIssuer {
  /** The issuer identifier (`iss`), `http://127.0.0.1:<port>`. */
  readonly issuer: string
  readonly port: number
  /** Closes the listener and every open connection. */
  close(): Promise<void>
}

/**
 * Runs oidc-provider in this process, on 127.0.0.1 only: nothing is spawned, so nothing can
 * be orphaned, and nothing is reachable from another machine. Keys and tokens live in memory.
 */
export async function startDevIssuer(setup: DevIssuerSetup): Promise<DevIssuer> {
  const loud = quietNotices()
  try {
    const server = createServer()
    await listen(server, setup.port)
    const { port } = server.address() as AddressInfo
    const issuer = `http://127.0.0.1:${port}`
    try {
      const { createProvider } = await import('./provider.js')
      const handler = createProvider(issuer, setup, await signingKey()).callback()
      server.on('request', (req, res) => void handler(req, res))
    } catch (error) {
      await close(server)
      throw error
    }
    return { issuer, port, close: () => close(server).finally(loud) }
  } catch (error) {
    loud()
    throw error
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on 127.0.0.1 is in use; pick another with --port, or 0`)
          : error,
      )
    server.once('error', failed)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed)
      resolve()
    })
  })
}

/** A fresh RS256 key per start: tokens from an earlier run stop verifying, as they should. */
async function signingKey() {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  return { ...privateKey.export({ format: 'jwk' }), kid: 'dev-1', alg: 'RS256', use: 'sig' }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
