import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface IntrospectionRequest {
  headers: IncomingHttpHeaders
  /** The form body as sent (`token=…&…`). */
  body: string
  token: string | null
}

export interface IntrospectionAnswer {
  status?: number
  headers?: Record<string, string>
  /** Sent as is; an object is sent as JSON. */
  body?: string | object
}

export interface IntrospectionEndpoint {
  /** The endpoint URL, `http://127.0.0.1:<port>/introspect`. */
  readonly url: string
  /** The issuer URL this endpoint pretends to belong to (same origin). */
  readonly issuer: string
  readonly requests: IntrospectionRequest[]
  /** Requests received and not yet answered. */
  readonly inFlight: number
  /** The most requests it has ever held unanswered at once. */
  readonly maxInFlight: number
  /** What every request is answered; default `{ active: false }`. */
  answer: (request: IntrospectionRequest) => IntrospectionAnswer
  /** While true, requests are held unanswered until `release()`. */
  hold: boolean
  /** Answers every held request. */
  release(): void
  /** Resolves once `count` requests are held unanswered. */
  heldAtLeast(count: number): Promise<void>
  close(): Promise<void>
}

/**
 * A real RFC 7662 endpoint on loopback whose answers the test decides: it counts calls and the
 * concurrency it sees, and can hold answers (a slow issuer) until the test lets them go. Used
 * where oidc-provider cannot produce the wire format (Hydra's `aud: []`, an endpoint echoing
 * our credentials) or where the test must control when answers arrive.
 */
export async function startIntrospectionEndpoint(): Promise<IntrospectionEndpoint> {
  const held: Array<() => void> = []
  const watchers: Array<() => void> = []
  const state = {
    inFlight: 0,
    maxInFlight: 0,
    hold: false,
    answer: (_: IntrospectionRequest): IntrospectionAnswer => ({ body: { active: false } }),
  }
  const requests: IntrospectionRequest[] = []

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const request = { headers: req.headers, body, token: new URLSearchParams(body).get('token') }
      requests.push(request)
      state.inFlight++
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
      const respond = (): void => {
        state.inFlight--
        const { status = 200, headers = {}, body: out = '' } = state.answer(request)
        const text = typeof out === 'string' ? out : JSON.stringify(out)
        const type = typeof out === 'string' ? 'text/plain' : 'application/json'
        res.writeHead(status, { 'content-type': type, ...headers })
        res.end(text)
      }
      if (state.hold) held.push(respond)
      else respond()
      for (const notify of watchers.splice(0)) notify()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: `${origin}/introspect`,
    issuer: origin,
    requests,
    get inFlight() {
      return state.inFlight
    },
    get maxInFlight() {
      return state.maxInFlight
    },
    get answer() {
      return state.answer
    },
    set answer(value) {
      state.answer = value
    },
    get hold() {
      return state.hold
    },
    set hold(value) {
      state.hold = value
    },
    release() {
      for (const respond of held.splice(0)) respond()
    },
    async heldAtLeast(count) {
      while (held.length < count) await new Promise<void>((resolve) => watchers.push(resolve))
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
