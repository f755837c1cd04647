import { isTokenRequestError } from '@m2m-auth/core'
import type { Route } from '@m2m-auth/example-kit'
import type { createInventoryClient } from './inventory-client.js'

type Inventory = ReturnType<typeof createInventoryClient>

/** `POST /orders {"sku", "quantity"}` needs `order.create`; stock is checked with the inventory. */
export function orderRoutes(inventory: Inventory): Route[] {
  return [
    {
      method: 'POST',
      path: '/orders',
      scopes: ['order.create'],
      handle: async ({ principal, body }) => {
        const order = parseOrder(body)
        if (order === undefined)
          return { status: 400, body: { error: 'expected {"sku": string, "quantity": 1..1000}' } }
        try {
          const stock = await inventory.checkStock(order.sku)
          if (stock.kind === 'unknown-sku')
            return { status: 404, body: { error: 'unknown sku', sku: order.sku } }
          if (stock.kind === 'refused')
            return {
              status: 502,
              body: { error: 'inventory_refused', inventory_status: stock.status },
            }
          if (stock.available < order.quantity)
            return {
              status: 409,
              body: { error: 'insufficient stock', ...order, available: stock.available },
            }
          return {
            status: 201,
            body: { order: { ...order, placedBy: principal.subject }, available: stock.available },
          }
        } catch (error) {
          // Token client errors name what failed (code) and never carry the client secret.
          if (isTokenRequestError(error))
            return { status: 503, body: { error: 'token_unavailable', code: error.code } }
          return { status: 502, body: { error: 'inventory_unreachable' } }
        }
      },
    },
  ]
}

function parseOrder(body: unknown): { sku: string; quantity: number } | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { sku, quantity } = body as Record<string, unknown>
  if (typeof sku !== 'string' || sku.length === 0 || sku.length > 64) return undefined
  if (typeof quantity !== 'number' || !Number.isInteger(quantity)) return undefined
  if (quantity < 1 || quantity > 1000) return undefined
  return { sku, quantity }
}
