import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient } from '@m2m-auth/core'
import { FRAMEWORKS, type RunningService } from '@m2m-auth/example-kit'
import { startInventoryService, INVENTORY_AUDIENCE } from '@m2m-auth/example-inventory-service'
import { startLocalIssuer, type LocalIssuer } from '@m2m-auth/example-local-issuer'
import { ORDER_AUDIENCE, startOrderService } from '../src/index.js'

const ORDER_SECRET = 'order-secret-0123456789abcdef0123'
const SHOP_SECRET = 'shop-secret-0123456789abcdef012345'
let issuer: LocalIssuer

beforeAll(async () => {
  issuer = await startLocalIssuer({
    clients: [
      { clientId: 'order-service', clientSecret: ORDER_SECRET, scope: 'inventory.read' },
      { clientId: 'storefront', clientSecret: SHOP_SECRET, scope: 'order.create order.view' },
    ],
    resources: {
      [INVENTORY_AUDIENCE]: 'inventory.read',
      [ORDER_AUDIENCE]: 'order.create order.view',
    },
  })
})
afterAll(() => issuer?.close())

const shopper = (scope: string) =>
  createTokenClient({
    issuer: issuer.issuer,
    clientId: 'storefront',
    clientSecret: SHOP_SECRET,
    scope,
    audience: ORDER_AUDIENCE,
  })

describe.each(FRAMEWORKS)('order service -> inventory service (%s)', (framework) => {
  const running: RunningService[] = []
  let orders: RunningService
  const fetched: string[] = []
  let cacheHits = 0
  beforeAll(async () => {
    const inventory = await startInventoryService({ issuer: issuer.issuer, framework })
    running.push(inventory)
    orders = await startOrderService({
      issuer: issuer.issuer,
      framework,
      inventory: { url: inventory.url, audience: INVENTORY_AUDIENCE },
      client: {
        clientId: 'order-service',
        clientSecret: ORDER_SECRET,
        hooks: {
          tokenFetched: (e) => void fetched.push(`${e.clientId} ${e.scope} ${e.audience}`),
          cacheHit: () => void cacheHits++,
        },
      },
    })
    running.push(orders)
  })
  afterAll(() => Promise.all(running.map((s) => s.close())))

  const order = (client: ReturnType<typeof shopper>, body: unknown) =>
    client.fetch(`${orders.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('answers 201 when stock suffices and 409 when not, with one inventory token', async () => {
    const shop = shopper('order.create')
    const placed = await order(shop, { sku: 'sku-espresso', quantity: 2 })
    expect(placed.status).toBe(201)
    expect(await placed.json()).toEqual({
      order: { sku: 'sku-espresso', quantity: 2, placedBy: 'storefront' },
      available: 42,
    })
    const short = await order(shop, { sku: 'sku-grinder', quantity: 5 })
    expect(short.status).toBe(409)
    expect(await short.json()).toEqual({
      error: 'insufficient stock',
      sku: 'sku-grinder',
      quantity: 5,
      available: 3,
    })
    const unknown = await order(shop, { sku: 'sku-nope', quantity: 1 })
    expect(unknown.status).toBe(404)
    expect(fetched).toEqual([`order-service inventory.read ${INVENTORY_AUDIENCE}`])
    expect(cacheHits).toBeGreaterThanOrEqual(2)
  })

  it('refuses a caller without order.create, and bad bodies with 400', async () => {
    const viewer = await order(shopper('order.view'), { sku: 'sku-espresso', quantity: 1 })
    expect(viewer.status).toBe(403)
    expect(viewer.headers.get('www-authenticate')).toContain('scope="order.create"')
    const anonymous = await fetch(`${orders.url}/orders`, { method: 'POST' })
    expect(anonymous.status).toBe(401)
    for (const body of [
      { sku: 'sku-espresso' },
      { sku: 'x', quantity: 0 },
      { sku: 1, quantity: 1 },
    ]) {
      expect((await order(shopper('order.create'), body)).status).toBe(400)
    }
  })
})
