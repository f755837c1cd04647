// Runs the order service on its own, against any issuer:
//   M2M_AUTH_ISSUER=https://idp.example.com/ M2M_AUTH_AUDIENCE=https://orders.example.com \
//   M2M_AUTH_CLIENT_ID=order-service M2M_AUTH_CLIENT_SECRET=… \
//   INVENTORY_URL=http://127.0.0.1:4002 INVENTORY_AUDIENCE=https://inventory.example.com \
//   FRAMEWORK=koa PORT=4003 pnpm --filter @m2m-auth/example-order-service start
import { authenticatorOptionsFromEnv, createAuthenticator } from '@m2m-auth/core'
import { startOrderService } from './index.js'

// The outbound credentials are this service's own, read here; every other M2M_AUTH_* variable
// configures how callers are verified (and an unknown one is a start-up error).
const OUTBOUND = new Set(['M2M_AUTH_CLIENT_ID', 'M2M_AUTH_CLIENT_SECRET'])

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) {
    process.stderr.write(`order-service: set ${name}\n`)
    process.exit(2)
  }
  return value
}

try {
  const inbound = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !OUTBOUND.has(name)),
  )
  const service = await startOrderService({
    authenticator: createAuthenticator(authenticatorOptionsFromEnv(inbound)),
    issuer: env('M2M_AUTH_ISSUER'),
    inventory: { url: env('INVENTORY_URL'), audience: env('INVENTORY_AUDIENCE') },
    client: { clientId: env('M2M_AUTH_CLIENT_ID'), clientSecret: env('M2M_AUTH_CLIENT_SECRET') },
    framework: process.env.FRAMEWORK,
    port: Number(process.env.PORT ?? 4003),
  })
  process.stdout.write(`order-service (${service.framework}) listening on ${service.url}\n`)
} catch (error) {
  // Configuration mistakes are TypeErrors naming the variable; no stack trace for those.
  process.stderr.write(`order-service: ${(error as Error).message}\n`)
  process.exit(2)
}
