import type { FetchLike } from '../http/fetch-json.js'
import type { AccessToken } from './token-slot.js'

/** Sends one request with this token (Bearer headers, or DPoP headers and a proof). */
export type Send = (
  input: string | URL | Request,
  init: RequestInit | undefined,
  token: AccessToken,
) => Promise<Response>

export interface AuthorizedFetchContext {
  readonly send: Send
  readonly token: () => Promise<AccessToken>
  /** Drops this token from the cache, unless a newer one already replaced it. */
  readonly invalidate: (accessToken: string) => void
  /** Whether the token travels in `Authorization` (so RFC 6750 challenges apply). */
  readonly bearer: boolean
}

/**
 * `fetch` with the token attached. An API that answers 401 with `error="invalid_token"`
 * (RFC 6750 §3.1: revoked, or signed by a key it just rotated to) gets one fresh token and
 * one retry; a second 401 is returned as is. A body that cannot be sent twice (a stream) is
 * never retried. For issuers whose token does not travel as a bearer token there is no
 * challenge to read, so any 401 counts.
 */
export function createAuthorizedFetch(context: AuthorizedFetchContext): FetchLike {
  return async (input, init) => {
    const replayable = isReplayable(init)
    const spare = input instanceof Request && replayable ? input.clone() : input
    const token = await context.token()
    const response = await context.send(input, init, token)
    if (!replayable || response.status !== 401 || !rejectsToken(response, context.bearer))
      return response
    await response.body?.cancel().catch(() => undefined)
    context.invalidate(token.accessToken)
    return context.send(spare, init, await context.token())
  }
}

/**
 * The plain sender: the token's own headers (`Authorization: Bearer …`, or a preset's header).
 * Fetch drops `Authorization` on a cross-origin redirect (Fetch standard, "HTTP-redirect
 * fetch") but keeps any other header, so a token in a preset's own header is never sent into
 * a redirect: the 3xx goes back to the caller, who decides where the token may go.
 */
export function headerSender(fetch: FetchLike): Send {
  return (input, init, token) => {
    const request = withHeaders(input, init, token.headers)
    const custom = Object.keys(token.headers).some((name) => name.toLowerCase() !== 'authorization')
    return fetch(input, custom ? { ...request, redirect: 'manual' } : request)
  }
}

/** A stream body is gone once sent: such a request is never sent twice. */
export function isReplayable(init: RequestInit | undefined): boolean {
  return !(init?.body instanceof ReadableStream)
}

export function withHeaders(
  input: string | URL | Request,
  init: RequestInit | undefined,
  add: Readonly<Record<string, string>>,
): RequestInit {
  const headers = new Headers(
    init?.headers ?? (input instanceof Request ? input.headers : undefined),
  )
  for (const [name, value] of Object.entries(add)) headers.set(name, value)
  return { ...init, headers }
}

function rejectsToken(response: Response, bearer: boolean): boolean {
  if (!bearer) return true
  const challenge = response.headers.get('www-authenticate') ?? ''
  return /\berror\s*=\s*"?invalid_token"?/i.test(challenge)
}
