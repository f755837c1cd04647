import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../test/support/issuer.js'
import {
  FRAMEWORKS,
  startCalendarService,
  type RunningService,
} from '../../calendar-service/src/service.js'
import { startTaskService, type RunningTaskService } from '../src/service.js'

const [TASK, VIEWER] = DEFAULT_CLIENTS as [(typeof DEFAULT_CLIENTS)[0], (typeof DEFAULT_CLIENTS)[0]]
let issuer: TestIssuer
beforeAll(async () => {
  issuer = await startIssuer()
})
afterAll(() => issuer?.close())

const createTask = (service: RunningTaskService, title: string) =>
  fetch(`${service.url}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, due: '2026-02-01T10:00:00Z' }),
  })

describe.each(FRAMEWORKS)('task service -> calendar service (%s)', (framework) => {
  let calendar: RunningService
  const started: RunningTaskService[] = []
  beforeAll(async () => {
    calendar = await startCalendarService({
      issuer: issuer.issuer,
      audience: DEFAULT_RESOURCE,
      framework,
    })
  })
  afterAll(async () => {
    await Promise.all([calendar?.close(), ...started.map((s) => s.close())])
  })

  async function taskService(client: (typeof DEFAULT_CLIENTS)[0], scope?: string) {
    const service = await startTaskService({
      issuer: issuer.issuer,
      audience: DEFAULT_RESOURCE,
      clientId: client.client_id,
      clientSecret: client.client_secret!,
      scope,
      calendarUrl: calendar.url,
      framework,
    })
    started.push(service)
    return service
  }

  it('creates the event with a client holding event.create, one token for many calls', async () => {
    const tasks = await taskService(TASK)
    const before = issuer.proxy.hitsFor('/token')
    for (const title of ['plan sprint', 'review', 'retro']) {
      const response = await createTask(tasks, title)
      expect(response.status).toBe(201)
      expect(await response.json()).toMatchObject({
        task: { title },
        event: { title, start: '2026-02-01T10:00:00.000Z', createdBy: 'task-service' },
      })
    }
    expect(issuer.proxy.hitsFor('/token') - before).toBe(1)
  })

  it('is refused with 403 when the client lacks event.create', async () => {
    const tasks = await taskService(VIEWER, 'event.view')
    const response = await createTask(tasks, 'sneaky')
    expect(response.status).toBe(502)
    expect(await response.json()).toMatchObject({
      error: 'calendar_refused',
      calendar_status: 403,
    })
  })
})
