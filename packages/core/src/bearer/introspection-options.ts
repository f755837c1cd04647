/** RFC 7662 introspection of opaque tokens, as the issuer's introspection endpoint requires. */
export interface IntrospectionOptions {
  /** The client this service authenticates as to the introspection endpoint (RFC 7662 §2.1). */
  clientId: string
  /** Its secret, for `client_secret_basic` (default) or `client_secret_post`. */
  clientSecret?: string
  /** How the client authenticates (RFC 7591 §2 names). Default `client_secret_basic`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'none'
  /** The endpoint; defaults to the issuer metadata's `introspection_endpoint`. */
  endpoint?: string
  /** Longest time an introspection result is reused, in ms; never past the token's `exp`. Default 60 s. */
  cacheTtlMs?: number
}

export interface IntrospectionConfig {
  readonly clientId: string
  readonly clientSecret: string | undefined
  readonly authMethod: 'client_secret_basic' | 'client_secret_post' | 'none'
  readonly endpoint: string | undefined
  readonly cacheTtlMs: number
}

const AUTH_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'none'])

export function normalizeIntrospection(
  value: IntrospectionOptions | undefined,
  at: string,
  checkUrl: (url: string, name: string) => void,
): IntrospectionConfig | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null) throw new TypeError(`"${at}" must be an object`)
  if (typeof value.clientId !== 'string' || value.clientId.length === 0) {
    throw new TypeError(`"${at}.clientId" must be a non-empty string`)
  }
  const authMethod = value.authMethod ?? 'client_secret_basic'
  if (!AUTH_METHODS.has(authMethod)) {
    throw new TypeError(`"${at}.authMethod" must be one of ${[...AUTH_METHODS].join(', ')}`)
  }
  if (
    authMethod !== 'none' &&
    (typeof value.clientSecret !== 'string' || value.clientSecret.length === 0)
  ) {
    throw new TypeError(`"${at}.clientSecret" must be a non-empty string for ${authMethod}`)
  }
  if (value.endpoint !== undefined) checkUrl(value.endpoint, `${at}.endpoint`)
  const cacheTtlMs = value.cacheTtlMs ?? 60_000
  if (typeof cacheTtlMs !== 'number' || !(cacheTtlMs >= 0)) {
    throw new TypeError(`"${at}.cacheTtlMs" must be a number >= 0`)
  }
  return Object.freeze({
    clientId: value.clientId,
    clientSecret: authMethod === 'none' ? undefined : value.clientSecret,
    authMethod,
    endpoint: value.endpoint,
    cacheTtlMs,
  })
}
