import {
  createAuthenticator,
  createTokenClient,
  type Authenticator,
  type TokenClientHooks,
} from '@m2m-auth/core'
import { serve, type RunningService } from '@m2m-auth/example-kit'
import { createInventoryClient } from './inventory-client.js'
import { orderRoutes } from './routes.js'

export { orderRoutes } from './routes.js'
export { createInventoryClient } from './inventory-client.js'

export const ORDER_AUDIENCE = 'https://orders.example.test'

export interface OrderServiceOptions {
  /** Verifies callers; default: bearer tokens from `issuer` for `audience`. */
  authenticator?: Authenticator
  /** The issuer whose tokens are accepted and that issues this service's own tokens. */
  issuer: string
  /** This API's identifier (default ORDER_AUDIENCE). */
  audience?: string
  /** The inventory service this one calls. */
  inventory: { url: string; audience: string }
  /** This service's own client credentials, for calls to the inventory. */
  client: { clientId: string; clientSecret: string; hooks?: TokenClientHooks }
  /** `express`, `koa` or `fastify`; default express. */
  framework?: string
  /** 0 picks a free port. */
  port?: number
}

/**
 * The order service: `POST /orders` (scope `order.create`) answers 201 when the inventory has
 * enough stock and 409 when not. It calls the inventory's `/check-stock` with one cached
 * client-credentials token (scope `inventory.read`) for all its requests.
 */
export function startOrderService(options: OrderServiceOptions): Promise<RunningService> {
  const authenticator =
    options.authenticator ??
    createAuthenticator({
      bearer: { issuer: options.issuer, audience: options.audience ?? ORDER_AUDIENCE },
    })
  const tokens = createTokenClient({
    issuer: options.issuer,
    clientId: options.client.clientId,
    clientSecret: options.client.clientSecret,
    scope: 'inventory.read',
    audience: options.inventory.audience,
    hooks: options.client.hooks,
  })
  return serve({
    framework: options.framework,
    authenticator,
    routes: orderRoutes(createInventoryClient(options.inventory.url, tokens)),
    port: options.port,
  })
}
