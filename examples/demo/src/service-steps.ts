import { createTokenClient, type AccessToken } from '@m2m-auth/core'
import { AUDIENCES, type ClientName } from './clients.js'
import { call } from './http.js'
import { refusal, type Step } from './step.js'
import type { World } from './world.js'

/** A fresh client-credentials token for one of the demo's clients (RFC 6749 §4.4). */
export function tokenFor(
  world: World,
  name: ClientName,
  audience: string,
  scope?: string,
): Promise<AccessToken> {
  const client = world.clients[name]
  return createTokenClient({
    issuer: world.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scope: scope ?? client.scope,
    audience,
    // One-shot clients: take the token as issued, even one that lives a single second.
    expiryLeewayMs: 0,
  }).getAccessToken()
}

/** Tokens the scenario holds across steps (the reporting token is reused once it has expired). */
export interface Held {
  reporting?: AccessToken
}

export function calendarSteps(held: Held): Step[] {
  return [
    {
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
        return {
          exchange,
          detail: `event "${event?.title}" created by ${event?.createdBy}`,
        }
      },
    },
    {
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
    },
    {
      from: 'reporting',
      to: 'calendar-service',
      request: 'POST /events',
      credentials: 'Bearer, the same token (scope event.view only)',
      story: 'The read-only client tries to write: the token lacks the scope.',
      expect: { status: 403, error: 'insufficient_scope', detail: /requires scope event\.create/ },
      run: async (world) => {
        const exchange = await call(`${world.urls.calendar}/events`, {
          method: 'POST',
          headers: held.reporting?.headers,
          json: { title: 'Sneaky meeting' },
        })
        return refusal(exchange)
      },
    },
  ]
}

export function orderSteps(): Step[] {
  const order = (world: World, sku: string, quantity: number) =>
    tokenFor(world, 'storefront', AUDIENCES.orders).then((token) =>
      call(`${world.urls.orders}/orders`, {
        method: 'POST',
        headers: token.headers,
        json: { sku, quantity },
      }),
    )
  const fetches = (world: World): string =>
    `order-service fetched ${world.orderTokenFetches.length} inventory token(s) so far`
  const inventoryCall =
    'order-service -> inventory-service GET /check-stock, Bearer, client order-service, scope inventory.read'
  return [
    {
      from: 'storefront',
      to: 'order-service',
      request: 'POST /orders {"sku":"sku-espresso","quantity":2}',
      credentials: 'Bearer, client-credentials token of client storefront, scope order.create',
      story: 'An order service checks stock with the inventory using its own token.',
      expect: { status: 201, detail: /42 available; .* fetched 1 inventory token/ },
      run: async (world) => {
        const exchange = await order(world, 'sku-espresso', 2)
        const available = (exchange.body as { available?: number }).available
        return {
          exchange,
          detail: `order placed, ${available} available; ${fetches(world)}`,
          notes: [inventoryCall],
        }
      },
    },
    {
      from: 'storefront',
      to: 'order-service',
      request: 'POST /orders {"sku":"sku-grinder","quantity":5}',
      credentials: 'Bearer, client-credentials token of client storefront, scope order.create',
      story: 'A second order: the inventory token is reused, not fetched again.',
      expect: { status: 409, detail: /only 3 available; .* fetched 1 inventory token/ },
      run: async (world) => {
        const exchange = await order(world, 'sku-grinder', 5)
        const available = (exchange.body as { available?: number }).available
        return {
          exchange,
          detail: `not enough stock, only ${available} available; ${fetches(world)}`,
          notes: [inventoryCall],
        }
      },
    },
    {
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
        return {
          exchange,
          detail: `no credentials; challenge: ${exchange.headers.get('www-authenticate')}`,
        }
      },
    },
  ]
}
