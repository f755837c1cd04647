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

type Urls = World['urls']
type Start = <T extends { url: string; close(): Promise<void> }>(service: Promise<T>) => Promise<T>

interface Context {
  readonly framework: Framework
  readonly issuer: string
  readonly clients: Record<ClientName, DemoClient>
  readonly orderTokenFetches: TokenFetchedEvent[]
  readonly legacyAuth: LegacyAuthEvent[]
}

/** Starts the issuer and every service on 127.0.0.1 (free ports), all in `framework`. */
export async function startWorld(frameworkName?: string): Promise<World> {
  const framework = frameworkFrom(frameworkName)
  const clients = demoClients()
  const local = await startLocalIssuer({ clients: Object.values(clients), resources: RESOURCES })
  const closers: (() => Promise<void>)[] = [() => local.close()]
  const start: Start = async (service) => {
    const running = await service
    closers.unshift(() => running.close())
    return running
  }
  const context = {
    framework,
    issuer: local.issuer,
    clients,
    orderTokenFetches: [],
    legacyAuth: [],
  }
  const close = async (): Promise<void> => {
    // Services first (closers run newest first), the issuer last.
    for (const closer of closers) await closer()
  }
  try {
    const urls = { ...(await startCalendar(context, start)), ...(await startShop(context, start)) }
    return { ...context, urls: { ...urls, stock: await startStock(context, start) }, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** The calendar, and the task service that creates events in it with its own token. */
async function startCalendar(c: Context, start: Start): Promise<Pick<Urls, 'calendar' | 'task'>> {
  const { issuer, framework, clients } = c
  const calendar = await start(
    startCalendarService({ issuer, audience: AUDIENCES.calendar, framework }),
  )
  const task = await start(
    startTaskService({
      issuer,
      audience: AUDIENCES.calendar,
      clientId: clients.task.clientId,
      clientSecret: clients.task.clientSecret,
      calendarUrl: calendar.url,
      framework,
    }),
  )
  return { calendar: calendar.url, task: task.url }
}

/** The inventory, and the order service that checks stock with it. */
async function startShop(c: Context, start: Start): Promise<Pick<Urls, 'inventory' | 'orders'>> {
  const { issuer, framework, clients } = c
  const inventory = await start(startInventoryService({ issuer, framework }))
  const orders = await start(
    startOrderService({
      issuer,
      framework,
      inventory: { url: inventory.url, audience: AUDIENCES.inventory },
      client: {
        clientId: clients.order.clientId,
        clientSecret: clients.order.clientSecret,
        hooks: { tokenFetched: (event) => void c.orderTokenFetches.push(event) },
      },
    }),
  )
  return { inventory: inventory.url, orders: orders.url }
}

/** The POS stock service: tills on Basic in `deprecate` mode, the gateway on OAuth. */
async function startStock(c: Context, start: Start): Promise<string> {
  const stock = await start(
    startStockService({
      framework: c.framework,
      issuer: c.issuer,
      audience: AUDIENCES.stock,
      tills: await demoTillStore(),
      mode: 'deprecate',
      sunset: SUNSET,
      migrationNotes: MIGRATION_NOTES,
      onLegacyAuth: (event) => void c.legacyAuth.push(event),
    }),
  )
  return stock.url
}
