import type { LegacyAuthEvent, TokenFetchedEvent } from '@m2m-auth/core'
import { frameworkFrom, type Framework } from '@m2m-auth/example-kit'
import { startInventoryService } from '@m2m-auth/example-inventory-service'
import { startLocalIssuer } from '@m2m-auth/example-local-issuer'
import { startOrderService } from '@m2m-auth/example-order-service'
// These examples are not packages with exports; the demo runs their own entry files.
import { startCalendarService } from '../../calendar-service/src/service.js'
import { startStockService } from '../../pos-migration/src/stock-service.js'
import { startTaskService } from '../../task-service/src/service.js'
import { AUDIENCES, RESOURCES, demoClients, type ClientName, type DemoClient } from './clients.js'
import { demoTillStore } from './fleet.js'

export const SUNSET = new Date('2027-06-30T00:00:00Z')
export const MIGRATION_NOTES = 'https://wiki.example.test/pos/move-to-oauth'

export interface World {
  readonly framework: Framework
  readonly issuer: string
  readonly clients: Record<ClientName, DemoClient>
  readonly urls: Record<'calendar' | 'task' | 'inventory' | 'orders' | 'stock', string>
  /** Token requests the order service made to the issuer (never the token itself). */
  readonly orderTokenFetches: TokenFetchedEvent[]
  /** Each time a till authenticated with Basic, as the stock service logs it. */
  readonly legacyAuth: LegacyAuthEvent[]
  close(): Promise<void>
}

/** Starts the issuer and every service on 127.0.0.1 (free ports), all in `framework`. */
export async function startWorld(frameworkName?: string): Promise<World> {
  const framework = frameworkFrom(frameworkName)
  const clients = demoClients()
  const local = await startLocalIssuer({ clients: Object.values(clients), resources: RESOURCES })
  const closers: (() => Promise<void>)[] = [() => local.close()]
  const started = async <T extends { close(): Promise<void> }>(service: Promise<T>) => {
    const running = await service
    closers.push(() => running.close())
    return running
  }
  const issuer = local.issuer
  const orderTokenFetches: TokenFetchedEvent[] = []
  const legacyAuth: LegacyAuthEvent[] = []
  try {
    const calendar = await started(
      startCalendarService({ issuer, audience: AUDIENCES.calendar, framework }),
    )
    const task = await started(
      startTaskService({
        issuer,
        audience: AUDIENCES.calendar,
        clientId: clients.task.clientId,
        clientSecret: clients.task.clientSecret,
        calendarUrl: calendar.url,
      }),
    )
    const inventory = await started(startInventoryService({ issuer, framework }))
    const orders = await started(
      startOrderService({
        issuer,
        framework,
        inventory: { url: inventory.url, audience: AUDIENCES.inventory },
        client: {
          clientId: clients.order.clientId,
          clientSecret: clients.order.clientSecret,
          hooks: { tokenFetched: (event) => void orderTokenFetches.push(event) },
        },
      }),
    )
    const stock = await started(
      startStockService({
        framework,
        issuer,
        audience: AUDIENCES.stock,
        tills: await demoTillStore(),
        mode: 'deprecate',
        sunset: SUNSET,
        migrationNotes: MIGRATION_NOTES,
        onLegacyAuth: (event) => void legacyAuth.push(event),
      }),
    )
    const urls = {
      calendar: calendar.url,
      task: task.url,
      inventory: inventory.url,
      orders: orders.url,
      stock: stock.url,
    }
    const close = async (): Promise<void> => {
      await Promise.all(closers.reverse().map((c) => c()))
    }
    return { framework, issuer, clients, urls, orderTokenFetches, legacyAuth, close }
  } catch (error) {
    await Promise.all(closers.map((c) => c()))
    throw error
  }
}
