import { createTokenClient, isTokenRequestError } from '@m2m-auth/core'
import { serve, type Route, type RunningService } from '@m2m-auth/example-kit'
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
  /** `express` (default), `koa` or `fastify` (FRAMEWORK). */
  framework?: string
  /** 0 picks a free port. */
  port?: number
}

export type RunningTaskService = RunningService

/**
 * The task service: `POST /tasks {"title", "due"}` records a task and puts it in the calendar.
 * It holds client credentials; its token client caches the token for all its requests. Its own
 * front door is public in this example: the m2m part is the call it makes.
 */
export function startTaskService(options: TaskServiceOptions): Promise<RunningTaskService> {
  const tokens = createTokenClient({
    issuer: options.issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scope: options.scope ?? 'event.create',
    audience: options.audience,
  })
  const calendar = createCalendarClient(options.calendarUrl, tokens)
  const createTask: Route = {
    method: 'POST',
    path: '/tasks',
    public: true,
    handle: async ({ body }) => {
      const input = body as { title?: unknown; due?: unknown } | undefined
      if (typeof input?.title !== 'string')
        return { status: 400, body: { error: 'title is required' } }
      const task = {
        title: input.title,
        due: typeof input.due === 'string' ? input.due : undefined,
      }
      try {
        const event = await calendar.createEvent({ title: task.title, start: task.due })
        if (event.status !== 201) {
          return {
            status: 502,
            body: { error: 'calendar_refused', calendar_status: event.status, task },
          }
        }
        return { status: 201, body: { task, event: event.body } }
      } catch (error) {
        // The token client's errors name what happened and never carry the secret.
        if (isTokenRequestError(error)) {
          return { status: 503, body: { error: 'token_unavailable', code: error.code } }
        }
        throw error
      }
    },
  }
  return serve({ framework: options.framework, routes: [createTask], port: options.port })
}
