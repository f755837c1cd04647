import { AUDIENCES, type ClientName } from './clients.js'
import { TILL_PASSWORDS, md5hex } from './fleet.js'
import type { World } from './world.js'

/**
 * Ready-to-paste commands against the running demo. They carry the demo's own throwaway
 * secrets (random per run, gone when it stops), which is the one place the demo prints them.
 */
export function curlHints(world: World, metricsUrl?: string): string[] {
  const token = (name: ClientName, audience: string): string => {
    const c = world.clients[name]
    return (
      `M2M_AUTH_CLIENT_SECRET='${c.clientSecret}' node packages/cli/dist/bin.js token ` +
      `--issuer ${world.issuer} --client-id ${c.clientId} --audience ${audience} --scope '${c.scope}'`
    )
  }
  const till = (id: keyof typeof TILL_PASSWORDS): string => `${id}:${md5hex(TILL_PASSWORDS[id])}`
  return [
    'Everything keeps running. From the repository root (after the build), try:',
    '',
    '# a token from the CLI (m2m-auth token), printed',
    token('reporting', AUDIENCES.calendar),
    '',
    '# read the calendar with it (200), then try to write (403 insufficient_scope)',
    `curl -i -H "Authorization: Bearer $(${token('reporting', AUDIENCES.calendar)})" ${world.urls.calendar}/events`,
    `curl -i -X POST -H 'content-type: application/json' -d '{"title":"x"}' -H "Authorization: Bearer $(${token('reporting', AUDIENCES.calendar)})" ${world.urls.calendar}/events`,
    '',
    '# the task service creates a calendar event with its own token',
    `curl -i -X POST -H 'content-type: application/json' -d '{"title":"Standup"}' ${world.urls.task}/tasks`,
    '',
    '# place an order (201), or one the inventory cannot fill (409)',
    `curl -i -X POST -H 'content-type: application/json' -d '{"sku":"sku-espresso","quantity":2}' -H "Authorization: Bearer $(${token('storefront', AUDIENCES.orders)})" ${world.urls.orders}/orders`,
    `curl -i -X POST -H 'content-type: application/json' -d '{"sku":"sku-grinder","quantity":5}' -H "Authorization: Bearer $(${token('storefront', AUDIENCES.orders)})" ${world.urls.orders}/orders`,
    '',
    '# a till on Basic (200 with Deprecation/Sunset), and the migrated till (401)',
    `curl -i -u '${till('T-1')}' ${world.urls.stock}/stock`,
    `curl -i -u '${till('T-3')}' ${world.urls.stock}/stock`,
    '',
    '# the POS gateway acting for till T-3',
    `curl -i -H 'X-Attribution-Till-Id: T-3' -H "Authorization: Bearer $(${token('gateway', AUDIENCES.stock)})" ${world.urls.stock}/stock`,
    '',
    ...(metricsUrl === undefined
      ? []
      : [
          '# the metrics every call above adds to (Prometheus text; the Grafana dashboard is docs/grafana)',
          `curl -s ${metricsUrl} | grep '^m2m_auth_'`,
          '',
        ]),
    'Press Ctrl+C to stop.',
  ]
}
