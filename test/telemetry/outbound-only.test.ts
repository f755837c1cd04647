import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTokenClient } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../support/issuer.js'
import { delta, registerMetrics } from './metric-reader.js'

// A service that only calls other APIs (task-service -> calendar) creates token clients and no
// authenticator. Its own worker, so nothing in this process ever authenticates a request.
const meter = registerMetrics()
let issuer: TestIssuer

beforeAll(async () => {
  issuer = await startIssuer()
})
afterAll(() => issuer?.close())

it('reports m2m_auth.token_client.requests in a process that never authenticates a request', async () => {
  const client = createTokenClient({
    issuer: issuer.issuer,
    clientId: 'task-service',
    clientSecret: DEFAULT_CLIENTS[0]!.client_secret!,
    scope: 'event.view',
    resource: DEFAULT_RESOURCE,
  })
  const before = await meter.collect()
  await client.getToken()
  const after = await meter.collect()
  const ok = { 'm2m_auth.result': 'ok', 'm2m_auth.client_id': 'task-service' }
  expect(after.instruments).toContain('m2m_auth.token_client.requests')
  expect(delta(before, after, 'm2m_auth.token_client.requests', ok)).toBe(1)
})
