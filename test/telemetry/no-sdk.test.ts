import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { metrics, trace } from '@opentelemetry/api'
import { createTokenClient } from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RunningApp } from '../support/apps.js'
import { DEFAULT_RESOURCE } from '../support/issuer.js'
import { captureOutput } from '../support/leaks.js'
import { basicAuth, md5, PASSWORDS } from '../support/tills.js'
import { TASK_SECRET, useTelemetryFixture } from './fixture.js'

// No MeterProvider, TracerProvider or logger anywhere in this file: what a user who has not set
// up OpenTelemetry gets. Its own worker, so no other file's SDK is registered here.
const fixture = useTelemetryFixture()

/** Everything the process prints: stdout, stderr, console.* (vitest intercepts it) and warnings. */
function captureEverything(): { lines: string[]; stop(): void } {
  const output = captureOutput()
  const restore: Array<() => void> = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method]
    console[method] = (...args: unknown[]) =>
      void output.lines.push(`console.${method} ${args.join(' ')}`)
    restore.push(() => (console[method] = original))
  }
  const emitWarning = process.emitWarning
  process.emitWarning = (warning: string | Error) =>
    void output.lines.push(`warning ${String(warning)}`)
  restore.push(() => (process.emitWarning = emitWarning))
  return {
    lines: output.lines,
    stop() {
      output.stop()
      for (const undo of restore) undo()
    },
  }
}

describe.each(ADAPTERS)('with no OpenTelemetry SDK, through %s', (adapter) => {
  let app: RunningApp
  let captured: ReturnType<typeof captureEverything>
  beforeAll(async () => {
    app = await startApp(adapter, fixture.authenticators())
  })
  afterAll(() => app?.close())
  beforeEach(() => {
    captured = captureEverything()
  })
  afterEach(() => captured.stop())

  it('authenticates, refuses and reports an outage as before, and prints nothing', async () => {
    const { issuer } = fixture
    const token = await createTokenClient({
      issuer: issuer.issuer,
      clientId: 'task-service',
      clientSecret: TASK_SECRET,
      scope: 'event.view',
      resource: DEFAULT_RESOURCE,
    }).getToken()
    const opaque = await issuer.token('task-service', { scope: 'event.view', resource: null })
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` })
    const statuses = [
      (await send(`${app.url}/events`, { headers: bearer(token) })).status,
      (await send(`${app.url}/events`, { headers: bearer(token) })).status,
      (await send(`${app.url}/events`, { headers: bearer(opaque) })).status,
      (await send(`${app.url}/events`)).status,
      (await send(`${app.url}/events`, { headers: bearer('not-a-token') })).status,
      (await send(`${app.url}/down/events`, { headers: bearer(token) })).status,
      (await send(`${app.url}/stock`, { headers: basicAuth('T-100', md5(PASSWORDS['T-100']!)) }))
        .status,
      (await send(`${app.url}/stock`, { headers: basicAuth('T-100', md5('wrong')) })).status,
    ]
    captured.stop()
    expect(statuses).toEqual([200, 200, 200, 401, 401, 503, 200, 401])
    expect(captured.lines).toEqual([])
    // And the API really was the no-op one: no span was ever active, no SDK meter handed out.
    expect(trace.getActiveSpan()).toBeUndefined()
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider')
  })
})
