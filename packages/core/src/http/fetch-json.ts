import { IssuerUnavailableError, type AuthError } from '../errors.js'

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface FetchJsonOptions {
  fetch: FetchLike
  timeoutMs: number
  /** What is being fetched, for the error description ("JWKS", "issuer metadata"). */
  what: string
}

/** GETs a JSON document from the issuer; every failure becomes a 503 that names no secret. */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<unknown> {
  let response: Response
  try {
    response = await options.fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    })
  } catch (cause) {
    throw issuerUnavailable(`the ${options.what} could not be fetched`, cause)
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined)
    throw issuerUnavailable(`the ${options.what} endpoint answered HTTP ${response.status}`)
  }
  try {
    return await response.json()
  } catch (cause) {
    throw issuerUnavailable(`the ${options.what} is not valid JSON`, cause)
  }
}

/**
 * The client learns only that the issuer is unavailable and when to retry; what failed
 * (status, URL, network error) stays in `cause` for the server's logs.
 */
export function issuerUnavailable(detail: string, cause?: unknown, retryAfterS = 5): AuthError {
  return new IssuerUnavailableError({
    code: 'ERR_ISSUER_UNAVAILABLE',
    description: 'the token issuer is temporarily unavailable',
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterS))) },
    cause: new Error(detail, cause === undefined ? undefined : { cause }),
  })
}
