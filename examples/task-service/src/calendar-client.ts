import type { TokenClient } from '@m2m-auth/core'

export interface CalendarReply {
  status: number
  body: unknown
}

/**
 * Calls the calendar service. `tokenClient.fetch` attaches a cached client-credentials token
 * and, if the calendar answers 401 invalid_token, retries once with a fresh one.
 */
export function createCalendarClient(calendarUrl: string, tokenClient: TokenClient) {
  const events = new URL('/events', calendarUrl)
  return {
    async createEvent(event: { title: string; start?: string }): Promise<CalendarReply> {
      const response = await tokenClient.fetch(events, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5_000),
      })
      return { status: response.status, body: await response.json().catch(() => null) }
    },
  }
}
