import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../../../test/support/issuer.js'
import { FRAMEWORKS, startCalendarService, type RunningService } from '../src/service.js'

let issuer: TestIssuer
let creator: string
let viewer: string
beforeAll(async () => {
  issuer = await startIssuer()
  creator = await issuer.token('task-service', { scope: 'event.create event.view' })
  viewer = await issuer.token('viewer', { scope: 'event.view' })
})
afterAll(() => issuer?.close())

describe.each(FRAMEWORKS)('calendar service on %s', (framework) => {
  let service: RunningService
  beforeAll(async () => {
    service = await startCalendarService({
      issuer: issuer.issuer,
      audience: DEFAULT_RESOURCE,
      framework,
    })
  })
  afterAll(() => service?.close())

  const post = (token: string | undefined, body: unknown) =>
    fetch(`${service.url}/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    })

  it('creates an event for a caller with event.create', async () => {
    const response = await post(creator, { title: 'standup', start: '2026-01-05T09:00:00Z' })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({
      title: 'standup',
      start: '2026-01-05T09:00:00.000Z',
      createdBy: 'task-service',
    })
  })

  it('refuses a caller without event.create with 403 insufficient_scope', async () => {
    const response = await post(viewer, { title: 'nope' })
    expect(response.status).toBe(403)
    const challenge = response.headers.get('www-authenticate')
    expect(challenge).toMatch(/error="insufficient_scope"/)
    expect(challenge).toMatch(/scope="event.create"/)
  })

  it('asks for credentials with 401', async () => {
    const response = await post(undefined, { title: 'nope' })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm=/)
  })

  it('lists events for event.view and rejects a bad body with 400', async () => {
    const list = await fetch(`${service.url}/events`, {
      headers: { authorization: `Bearer ${viewer}` },
    })
    expect(list.status).toBe(200)
    expect((await list.json()) as unknown[]).toHaveLength(1)
    const bad = await post(creator, { title: '' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' })
  })
})
