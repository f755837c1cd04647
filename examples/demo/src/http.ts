/** What the demo saw of one HTTP exchange. */
export interface Exchange {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
  /** The RFC 6750 §3 `error` and `error_description` of the WWW-Authenticate challenge, if any. */
  readonly error?: string
  readonly description?: string
}

export interface CallOptions {
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  json?: unknown
}

/** One request with a timeout; the body is parsed as JSON when it is JSON. */
export async function call(url: string, options: CallOptions = {}): Promise<Exchange> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (options.json !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    signal: AbortSignal.timeout(5_000),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    // Not JSON: keep the text.
  }
  const challenge = response.headers.get('www-authenticate') ?? ''
  return {
    status: response.status,
    headers: response.headers,
    body,
    error: param(challenge, 'error'),
    description: param(challenge, 'error_description'),
  }
}

/** An auth-param's quoted-string value (RFC 7235 §2.1); the demo's servers always quote. */
function param(challenge: string, name: string): string | undefined {
  const match = new RegExp(`[\\s,]${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(challenge)
  return match?.[1]?.replace(/\\(.)/g, '$1')
}
