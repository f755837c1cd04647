import { createAuthenticator, type Authenticator } from '@m2m-auth/core'
import { serve, type Route, type RunningService } from '@m2m-auth/example-kit'

/** Stock levels the inventory owns. */
const STOCK: Record<string, number> = { 'sku-espresso': 42, 'sku-grinder': 3, 'sku-filter': 0 }

export const INVENTORY_AUDIENCE = 'https://inventory.example.test'

export const inventoryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/check-stock',
    scopes: ['inventory.read'],
    handle: ({ principal, query }) => {
      const sku = query.get('sku') ?? ''
      const available = STOCK[sku]
      if (available === undefined) return { status: 404, body: { error: 'unknown sku', sku } }
      return { body: { sku, available, checkedFor: principal.subject } }
    },
  },
]

export interface InventoryOptions {
  authenticator?: Authenticator
  issuer?: string
  audience?: string
  framework?: string
  port?: number
}

/** The inventory service: `GET /check-stock?sku=…` needs `inventory.read`. */
export function startInventoryService(options: InventoryOptions): Promise<RunningService> {
  const authenticator =
    options.authenticator ??
    createAuthenticator({
      bearer: {
        issuer: required(options.issuer, 'issuer'),
        audience: options.audience ?? INVENTORY_AUDIENCE,
      },
    })
  return serve({
    framework: options.framework,
    authenticator,
    routes: inventoryRoutes,
    port: options.port,
  })
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new TypeError(`"${name}" is required (set M2M_AUTH_ISSUER)`)
  return value
}
