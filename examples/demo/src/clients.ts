import { randomBytes } from 'node:crypto'
import { INVENTORY_AUDIENCE } from '@m2m-auth/example-inventory-service'
import { ORDER_AUDIENCE } from '@m2m-auth/example-order-service'

/** Each API's identifier: the `resource` a token is requested for and the `aud` it carries. */
export const AUDIENCES = {
  calendar: 'https://calendar.example.test',
  inventory: INVENTORY_AUDIENCE,
  orders: ORDER_AUDIENCE,
  stock: 'https://stock.example.test',
} as const

/** Seconds the reporting client's tokens live: short, so the demo shows a really expired one. */
export const REPORTING_TOKEN_TTL = 1

export interface DemoClient {
  readonly clientId: string
  readonly clientSecret: string
  readonly scope: string
  readonly accessTokenTTL?: number
}

export type ClientName = 'task' | 'order' | 'storefront' | 'gateway' | 'reporting'

/**
 * One OAuth client per calling service. The secrets are random per run and die with it; they
 * appear only in the `--serve` curl hints, for pasting.
 */
export function demoClients(): Record<ClientName, DemoClient> {
  const secret = (): string => randomBytes(24).toString('base64url')
  return {
    task: { clientId: 'task-service', clientSecret: secret(), scope: 'event.create' },
    order: { clientId: 'order-service', clientSecret: secret(), scope: 'inventory.read' },
    storefront: { clientId: 'storefront', clientSecret: secret(), scope: 'order.create' },
    gateway: { clientId: 'pos-gateway', clientSecret: secret(), scope: 'stock.read pos.attribute' },
    reporting: {
      clientId: 'reporting',
      clientSecret: secret(),
      scope: 'event.view',
      accessTokenTTL: REPORTING_TOKEN_TTL,
    },
  }
}

/** The scopes each API defines. */
export const RESOURCES: Record<string, string> = {
  [AUDIENCES.calendar]: 'event.view event.create',
  [AUDIENCES.inventory]: 'inventory.read',
  [AUDIENCES.orders]: 'order.create',
  [AUDIENCES.stock]: 'stock.read pos.attribute',
}
