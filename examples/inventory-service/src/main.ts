// Runs the inventory service on its own, against any issuer:
//   M2M_AUTH_ISSUER=https://idp.example.com/ M2M_AUTH_AUDIENCE=https://inventory.example.com \
//   FRAMEWORK=fastify PORT=4002 pnpm --filter @m2m-auth/example-inventory-service start
import { startInventoryService } from './index.js'

const service = await startInventoryService({
  issuer: process.env.M2M_AUTH_ISSUER,
  audience: process.env.M2M_AUTH_AUDIENCE,
  framework: process.env.FRAMEWORK,
  port: Number(process.env.PORT ?? 4002),
})
console.log(`inventory-service (${service.framework}) listening on ${service.url}`)
