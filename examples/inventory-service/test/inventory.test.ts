import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FRAMEWORKS } from '@m2m-auth/example-kit'
import { startLocalIssuer, type LocalIssuer } from '@m2m-auth/example-local-issuer'
import { INVENTORY_AUDIENCE, startInventoryService } from '../src/index.js'

let issuer: LocalIssuer

async function token(clientId: string, secret: string, scope?: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    resource: INVENTORY_AUDIENCE,
  })
  if (scope) body.set('scope', scope)
  const response = await fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body,
  })
  const json = (await response.json()) as { access_token?: string }
  if (!json.access_token) throw new Error(`token request failed: ${response.status}`)
  return json.access_token
}

beforeAll(async () => {
  issuer = await startLocalIssuer({
    clients: [
      {
        clientId: 'order-service',
        clientSecret: 'order-secret-0123456789abcdef0123',
        scope: 'inventory.read',
      },
      {
        clientId: 'stranger',
        clientSecret: 'stranger-secret-0123456789abcdef01',
        scope: 'inventory.audit',
      },
    ],
    resources: { [INVENTORY_AUDIENCE]: 'inventory.read inventory.audit' },
  })
})
afterAll(() => issuer.close())

describe.each(FRAMEWORKS)('inventory service on %s', (framework) => {
  it('answers stock to a caller with inventory.read and refuses one without', async () => {
    const service = await startInventoryService({ issuer: issuer.issuer, framework })
    try {
      const allowed = await fetch(`${service.url}/check-stock?sku=sku-espresso`, {
        headers: {
          authorization: `Bearer ${await token('order-service', 'order-secret-0123456789abcdef0123', 'inventory.read')}`,
        },
      })
      expect(allowed.status).toBe(200)
      expect(await allowed.json()).toEqual({
        sku: 'sku-espresso',
        available: 42,
        checkedFor: 'order-service',
      })

      const refused = await fetch(`${service.url}/check-stock?sku=sku-espresso`, {
        headers: {
          authorization: `Bearer ${await token('stranger', 'stranger-secret-0123456789abcdef01', 'inventory.audit')}`,
        },
      })
      expect(refused.status).toBe(403)
      expect(refused.headers.get('www-authenticate')).toContain('scope="inventory.read"')
    } finally {
      await service.close()
    }
  })
})
