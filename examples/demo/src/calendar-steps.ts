import { AUDIENCES } from './clients.js'
import { call } from './http.js'
import { refusal, type Step } from './step.js'
import { tokenFor, type Held } from './tokens.js'

const taskCreatesEvent: Step = {
  from: 'task-service',
  to: 'calendar-service',
  request: 'POST /events (asked via task-service POST /tasks)',
  credentials: 'Bearer, client-credentials token of client task-service, scope event.create',
  story: 'A service calls another with a scoped token from its token client.',
  expect: { status: 201, detail: /created by task-service/ },
  run: async (world) => {
    const exchange = await call(`${world.urls.task}/tasks`, {
      method: 'POST',
      json: { title: 'Plan the sprint', due: '2026-12-01T09:00:00Z' },
    })
    const event = (exchange.body as { event?: { title?: string; createdBy?: string } }).event
    return { exchange, detail: `event "${event?.title}" created by ${event?.createdBy}` }
  },
}

const reportingReads = (held: Held): Step => ({
  from: 'reporting',
  to: 'calendar-service',
  request: 'GET /events',
  credentials: 'Bearer, client-credentials token of client reporting, scope event.view',
  story: 'A read-only client reads: its token carries event.view.',
  expect: { status: 200, detail: /1 event/ },
  run: async (world) => {
    held.reporting = await tokenFor(world, 'reporting', AUDIENCES.calendar)
    const exchange = await call(`${world.urls.calendar}/events`, {
      headers: held.reporting.headers,
    })
    const events = Array.isArray(exchange.body) ? exchange.body : []
    return { exchange, detail: `read ${events.length} event(s)` }
  },
})

const reportingWrites = (held: Held): Step => ({
  from: 'reporting',
  to: 'calendar-service',
  request: 'POST /events',
  credentials: 'Bearer, the same token (scope event.view only)',
  story: 'The read-only client tries to write: the token lacks the scope.',
  expect: { status: 403, error: 'insufficient_scope', detail: /requires scope event\.create/ },
  run: async (world) =>
    refusal(
      await call(`${world.urls.calendar}/events`, {
        method: 'POST',
        headers: held.reporting?.headers,
        json: { title: 'Sneaky meeting' },
      }),
    ),
})

/** Calendar scenes: a service creates, a read-only client reads and is refused a write. */
export function calendarSteps(held: Held): Step[] {
  return [taskCreatesEvent, reportingReads(held), reportingWrites(held)]
}
