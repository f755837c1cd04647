import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTokenClient, isTokenRequestError } from '@m2m-auth/core'
import { createCalendarClient } from './calendar-client.js'

export interface TaskServiceOptions {
  /** M2M_AUTH_ISSUER */
  issuer: string
  /** The calendar API's identifier (M2M_AUTH_AUDIENCE). */
  audience: string
  /** M2M_AUTH_CLIENT_ID */
  clientId: string
  /** M2M_AUTH_CLIENT_SECRET */
  clientSecret: string
  /** Default `event.create` (M2M_AUTH_SCOPE). */
  scope?: string
  /** CALENDAR_URL */
  calendarUrl: string
  /** 0 picks a free port. */
  port?: number
  host?: string
}

export interface RunningTaskService {
  readonly url: string
  close(): Promise<void>
}

/**
 * The task service: `POST /tasks {"title", "due"}` records a task and puts it in the calendar.
 * It holds client credentials; its token client caches the token for all its requests.
 */
export async function startTaskService(options: TaskServiceOptions): Promise<RunningTaskService> {
  const tokens = createTokenClient({
    issuer: options.issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scope: options.scope ?? 'event.create',
    audience: options.audience,
  })
  const calendar = createCalendarClient(options.calendarUrl, tokens)
  const server = createServer((req, res) => {
    handle(req, res, calendar).catch(() => reply(res, 500, { error: 'internal_error' }))
  })
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  )
  const { address, port } = server.address() as AddressInfo
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  calendar: ReturnType<typeof createCalendarClient>,
): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/tasks') return reply(res, 404, { error: 'not_found' })
  const input = (await readJson(req)) as { title?: unknown; due?: unknown } | undefined
  if (typeof input?.title !== 'string') return reply(res, 400, { error: 'title is required' })
  const task = { title: input.title, due: typeof input.due === 'string' ? input.due : undefined }
  try {
    const event = await calendar.createEvent({ title: task.title, start: task.due })
    if (event.status !== 201)
      return reply(res, 502, { error: 'calendar_refused', calendar_status: event.status, task })
    return reply(res, 201, { task, event: event.body })
  } catch (error) {
    // The token client's errors name what happened and never carry the secret.
    if (isTokenRequestError(error))
      return reply(res, 503, { error: 'token_unavailable', code: error.code })
    throw error
  }
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 16_384) return undefined
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    return undefined
  }
}
