import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAuthenticator } from '@m2m-auth/core'
import { expressApp, fastifyApp, koaApp } from './apps.js'
import { EventStore } from './events.js'

export type Framework = 'express' | 'koa' | 'fastify'
export const FRAMEWORKS: readonly Framework[] = ['express', 'koa', 'fastify']

export interface CalendarServiceOptions {
  /** The issuer whose tokens are accepted (M2M_AUTH_ISSUER). */
  issuer: string
  /** This API's identifier: tokens must carry it in `aud` (M2M_AUTH_AUDIENCE). */
  audience: string
  framework?: Framework
  /** 0 picks a free port. */
  port?: number
  host?: string
}

export interface RunningService {
  readonly url: string
  readonly framework: Framework
  close(): Promise<void>
}

/** Starts the calendar API: `GET /events` needs `event.view`, `POST /events` needs `event.create`. */
export async function startCalendarService(
  options: CalendarServiceOptions,
): Promise<RunningService> {
  const framework = options.framework ?? 'express'
  if (!FRAMEWORKS.includes(framework))
    throw new TypeError(`"framework" must be one of ${FRAMEWORKS.join(', ')}`)
  const authenticator = createAuthenticator({
    bearer: { issuer: options.issuer, audience: options.audience },
  })
  const store = new EventStore()
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 0
  if (framework === 'fastify') {
    const app = await fastifyApp(authenticator, store)
    await app.listen({ port, host })
    return running(app.server.address() as AddressInfo, framework, () => app.close())
  }
  const handler =
    framework === 'koa' ? koaApp(authenticator, store) : expressApp(authenticator, store)
  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  return running(server.address() as AddressInfo, framework, () => closeServer(server))
}

function running(
  address: AddressInfo,
  framework: Framework,
  close: () => Promise<void>,
): RunningService {
  return { url: `http://${address.address}:${address.port}`, framework, close }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
