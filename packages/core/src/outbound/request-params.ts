import type { IssuerPreset } from './presets.js'

/** Per-call choices; each one given replaces the client's default. */
export interface TokenRequestOptions {
  scope?: string | readonly string[]
  audience?: string
  resource?: string | readonly string[]
}

/** What a token is requested for; equal params mean the same cached token. */
export interface RequestParams {
  /** Sorted, de-duplicated: `b a` and `a b` share a token (RFC 6749 §3.3: order is irrelevant). */
  readonly scopes: readonly string[]
  readonly audience: string | undefined
  readonly resource: readonly string[]
}

export function requestParams(
  scope: unknown,
  audience: unknown,
  resource: unknown,
  at: string,
): RequestParams {
  if (audience !== undefined && (typeof audience !== 'string' || audience.length === 0))
    throw new TypeError(`"audience" must be a non-empty string`)
  return Object.freeze({
    scopes: Object.freeze([...new Set(list(scope, at))].sort()),
    audience,
    resource: Object.freeze([...new Set(list(resource, 'resource'))].sort()),
  })
}

export function mergeParams(defaults: RequestParams, options: TokenRequestOptions): RequestParams {
  return requestParams(
    options.scope ?? defaults.scopes,
    options.audience ?? defaults.audience,
    options.resource ?? defaults.resource,
    'scope',
  )
}

/** The cache key: token endpoint (or issuer), client, sorted scopes, audience, resources. */
export function cacheKey(endpointId: string, clientId: string, params: RequestParams): string {
  return [
    endpointId,
    clientId,
    params.scopes.join(' '),
    params.audience ?? '',
    params.resource.join(' '),
  ].join('\n')
}

/** RFC 6749 §4.4.2 parameters (grant_type and client authentication are added by openid-client). */
export function formParameters(
  preset: IssuerPreset,
  params: RequestParams,
  extra: Readonly<Record<string, string>>,
): URLSearchParams {
  const form = new URLSearchParams(extra)
  const scopes = [...params.scopes]
  const { audience } = params
  // Entra ID v2 names the API by a `<App ID URI>/.default` scope, not by a parameter.
  if (audience !== undefined && preset.audienceParameter === 'scope')
    scopes.push(`${audience.replace(/\/+$/, '')}/.default`)
  if (scopes.length > 0) form.set('scope', scopes.join(' '))
  if (audience !== undefined && preset.audienceParameter === 'audience')
    form.set('audience', audience)
  const resources = new Set(params.resource)
  if (audience !== undefined && preset.audienceParameter === 'resource') resources.add(audience)
  for (const resource of resources) form.append('resource', resource) // RFC 8707 §2: repeatable
  return form
}

function list(value: unknown, name: string): string[] {
  if (value === undefined) return []
  if (typeof value === 'string') return value.split(' ').filter((s) => s.length > 0)
  if (Array.isArray(value) && value.every((s) => typeof s === 'string' && s.length > 0))
    return value as string[]
  throw new TypeError(`"${name}" must be a space-separated string or an array of strings`)
}
