import { registeredScopes } from './scope-registry.js'

/** RFC 9728 OAuth 2.0 Protected Resource Metadata, served by each adapter. */
export interface ResourceMetadataOptions {
  /** This API's resource identifier (RFC 9728 §1.2): an https URL, usually the audience. */
  resource: string
  /** Issuers clients may get tokens from. Default: the configured bearer issuers. */
  authorizationServers?: readonly string[]
  /** Scopes to advertise. Default: every scope the app's `requireScope` calls registered. */
  scopesSupported?: readonly string[]
  /** Human-readable name of the API (RFC 9728 §2 `resource_name`). */
  resourceName?: string
}

export interface ResourceMetadata {
  /** Where adapters serve the document: `/.well-known/oauth-protected-resource[/<path>]`. */
  readonly path: string
  /** Absolute URL of the document, sent as `resource_metadata` in 401 challenges (§5.1). */
  readonly url: string
  /** The JSON document (§2); built per call so late route registrations are included. */
  document(): Readonly<Record<string, unknown>>
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource'

export function createResourceMetadata(
  options: ResourceMetadataOptions,
  issuers: readonly string[],
  at = 'resourceMetadata',
): ResourceMetadata {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`"${at}" must be an object`)
  }
  const resource = httpsUrl(options.resource, `${at}.resource`)
  // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
  const suffix = resource.pathname === '/' ? '' : resource.pathname.replace(/\/$/, '')
  const path = `${WELL_KNOWN}${suffix}`
  const authorizationServers = stringList(
    options.authorizationServers ?? issuers.filter((i) => URL.canParse(i)),
    `${at}.authorizationServers`,
  )
  const scopes =
    options.scopesSupported === undefined
      ? undefined
      : stringList(options.scopesSupported, `${at}.scopesSupported`)
  const fixed = {
    resource: options.resource,
    authorization_servers: authorizationServers,
    // RFC 9728 §2: we accept the Authorization header only (RFC 6750 §2.1), never query or body.
    bearer_methods_supported: ['header'],
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
  }
  return Object.freeze({
    path,
    url: `${resource.origin}${path}`,
    document: () => Object.freeze({ ...fixed, scopes_supported: scopes ?? registeredScopes() }),
  })
}

function httpsUrl(value: unknown, name: string): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined
  const loopback = url?.hostname === '127.0.0.1' || url?.hostname === 'localhost'
  if (url === undefined || !(url.protocol === 'https:' || (loopback && url.protocol === 'http:'))) {
    throw new TypeError(`"${name}" must be an https URL`)
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`"${name}" must not have a query or fragment (RFC 9728 §1.2)`)
  }
  return url
}

function stringList(value: unknown, name: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new TypeError(`"${name}" must be an array of non-empty strings`)
  }
  return Object.freeze([...(value as string[])])
}
