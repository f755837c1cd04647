import { AUDIENCES } from './clients.js'
import { call, type Exchange } from './http.js'
import type { Step } from './step.js'
import { tokenFor } from './tokens.js'
import type { World } from './world.js'

const STOREFRONT = 'Bearer, client-credentials token of client storefront, scope order.create'
const INVENTORY_CALL =
  'order-service -> inventory-service GET /check-stock, Bearer, client order-service, scope inventory.read'

async function order(world: World, sku: string, quantity: number): Promise<Exchange> {
  const token = await tokenFor(world, 'storefront', AUDIENCES.orders)
  return call(`${world.urls.orders}/orders`, {
    method: 'POST',
    headers: token.headers,
    json: { sku, quantity },
  })
}

const fetches = (world: World): string =>
  `order-service fetched ${world.orderTokenFetches.length} inventory token(s) so far`

const available = (exchange: Exchange): string => {
  const value = (exchange.body as { available?: unknown } | undefined)?.available
  return typeof value === 'number' ? String(value) : '?'
}

const orderPlaced: Step = {
  from: 'storefront',
  to: 'order-service',
  request: 'POST /orders {"sku":"sku-espresso","quantity":2}',
  credentials: STOREFRONT,
  story: 'An order service checks stock with the inventory using its own token.',
  expect: { status: 201, detail: /42 available; .* fetched 1 inventory token/ },
  run: async (world) => {
    const exchange = await order(world, 'sku-espresso', 2)
    const detail = `order placed, ${available(exchange)} available; ${fetches(world)}`
    return { exchange, detail, notes: [INVENTORY_CALL] }
  },
}

const orderShort: Step = {
  from: 'storefront',
  to: 'order-service',
  request: 'POST /orders {"sku":"sku-grinder","quantity":5}',
  credentials: STOREFRONT,
  story: 'A second order: the inventory token is reused, not fetched again.',
  expect: { status: 409, detail: /only 3 available; .* fetched 1 inventory token/ },
  run: async (world) => {
    const exchange = await order(world, 'sku-grinder', 5)
    const detail = `not enough stock, only ${available(exchange)} available; ${fetches(world)}`
    return { exchange, detail, notes: [INVENTORY_CALL] }
  },
}

const anonymousOrder: Step = {
  from: 'anonymous',
  to: 'order-service',
  request: 'POST /orders',
  credentials: 'none',
  story: 'No credentials at all: 401, and the challenge says which scheme to use.',
  expect: { status: 401, detail: /challenge: Bearer realm=/ },
  run: async (world) => {
    const exchange = await call(`${world.urls.orders}/orders`, {
      method: 'POST',
      json: { sku: 'sku-espresso', quantity: 1 },
    })
    const challenge = exchange.headers.get('www-authenticate')
    return { exchange, detail: `no credentials; challenge: ${challenge}` }
  },
}

/** Order scenes: the order service calls the inventory with one cached token. */
export function orderSteps(): Step[] {
  return [orderPlaced, orderShort, anonymousOrder]
}
