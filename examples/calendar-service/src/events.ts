import { randomUUID } from 'node:crypto'
import type { Principal } from '@m2m-auth/core'

export interface CalendarEvent {
  id: string
  title: string
  start: string
  createdBy: string
}

export type Created = { status: 201; body: CalendarEvent } | { status: 400; body: object }

/** The calendar's data, shared by all three framework versions: no auth logic in here. */
export class EventStore {
  readonly #events: CalendarEvent[] = []

  list(): CalendarEvent[] {
    return [...this.#events]
  }

  create(input: unknown, caller: Principal | null | undefined): Created {
    const { title, start } = (typeof input === 'object' && input !== null ? input : {}) as Record<
      string,
      unknown
    >
    if (typeof title !== 'string' || title.length === 0 || title.length > 200)
      return invalid('"title" must be a string of 1 to 200 characters')
    const when = typeof start === 'string' ? new Date(start) : new Date()
    if (Number.isNaN(when.getTime())) return invalid('"start" must be an ISO 8601 date')
    const event = {
      id: randomUUID(),
      title,
      start: when.toISOString(),
      createdBy: caller?.clientId ?? caller?.subject ?? 'unknown',
    }
    this.#events.push(event)
    return { status: 201, body: event }
  }
}

function invalid(description: string): Created {
  return { status: 400, body: { error: 'invalid_request', error_description: description } }
}
