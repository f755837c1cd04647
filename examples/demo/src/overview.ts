import { AUDIENCES } from './clients.js'
import { FLEET } from './fleet.js'
import type { World } from './world.js'

/** Who is running where, before the scenario starts. */
export function overview(world: World, metricsUrl?: string): string[] {
  const clients = Object.values(world.clients)
    .map(
      (c) =>
        `${c.clientId} (${c.scope}${c.accessTokenTTL ? `, tokens live ${c.accessTokenTTL} s` : ''})`,
    )
    .join(', ')
  const tills = FLEET.map(
    (t) => `${t.tillId}@${t.store}${t.migrated ? ' (migrated to OAuth)' : ''}`,
  )
  return [
    `m2m-auth demo: every service on 127.0.0.1, framework ${world.framework}`,
    `  issuer            ${world.issuer}  (oidc-provider, development-only: keys and grants in memory)`,
    `                    clients: ${clients}`,
    `  calendar-service  ${world.urls.calendar}  aud ${AUDIENCES.calendar}: GET /events event.view, POST /events event.create`,
    `  task-service      ${world.urls.task}  POST /tasks -> calendar POST /events as client task-service`,
    `  inventory-service ${world.urls.inventory}  aud ${AUDIENCES.inventory}: GET /check-stock inventory.read`,
    `  order-service     ${world.urls.orders}  aud ${AUDIENCES.orders}: POST /orders order.create -> inventory`,
    `  stock-service     ${world.urls.stock}  aud ${AUDIENCES.stock}: GET /stock stock.read; tills on Basic (mode deprecate): ${tills.join(', ')}`,
    ...(metricsUrl === undefined
      ? []
      : [
          `  metrics           ${metricsUrl}  (OpenTelemetry SDK + Prometheus exporter, every service's m2m_auth_* series)`,
        ]),
  ]
}
