import { InsufficientScopeError, InvalidRequestError } from '../errors.js'
import { freezePrincipal, type Principal } from '../principal.js'
import { headerValues, malformed, type AuthRequest } from '../request.js'
import { findTill } from './errors.js'
import { tillOf } from './principal.js'
import type { TillStore } from './till-store.js'

/**
 * POS server-to-server integrations: one gateway holds one OAuth client for many tills and
 * names the till it acts for in a header, in the manner of Capillary's
 * `X-CAP-API-ATTRIBUTION-*` headers. Only a token carrying `scope` may use the header.
 */
export interface AttributionOptions {
  /** The scope a token needs to name a till. */
  scope: string
  /** The header naming the till. Default `X-Attribution-Till-Id`. */
  header?: string
  /** Where attributed tills are looked up. Default: `basic.tills`. */
  tills?: TillStore
}

export interface AttributionConfig {
  readonly scope: string
  /** Lower-case, as `headerValues` wants it. */
  readonly header: string
  readonly tills: TillStore
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/ // RFC 9110 §5.1 field-name = token
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/ // RFC 6749 §3.3
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TILL_ID = /^[^:\u0000-\u001f\u007f]{1,128}$/

export function normalizeAttribution(
  options: AttributionOptions | undefined,
  fallback: TillStore | undefined,
): AttributionConfig | undefined {
  if (options === undefined) return undefined
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('"attribution" must be an object')
  }
  if (typeof options.scope !== 'string' || !SCOPE_TOKEN.test(options.scope)) {
    throw new TypeError('"attribution.scope" must be an RFC 6749 scope-token')
  }
  const header = options.header ?? 'X-Attribution-Till-Id'
  if (
    typeof header !== 'string' ||
    !HEADER_NAME.test(header) ||
    header.toLowerCase() === 'authorization'
  ) {
    throw new TypeError('"attribution.header" must be a header name other than Authorization')
  }
  const tills = options.tills ?? fallback
  if (typeof tills?.find !== 'function') {
    throw new TypeError('"attribution.tills" must be a TillStore (or configure "basic.tills")')
  }
  return Object.freeze({ scope: options.scope, header: header.toLowerCase(), tills })
}

/** Applies the attribution header, if any, to an authenticated principal. */
export async function attribute(
  principal: Principal,
  request: AuthRequest,
  config: AttributionConfig,
): Promise<Principal> {
  const values = headerValues(request, config.header)
  if (values.length === 0) return principal
  if (!principal.scopes.has(config.scope)) {
    throw new InsufficientScopeError({
      code: 'ERR_ATTRIBUTION_FORBIDDEN',
      description: `naming a till in ${config.header} requires scope ${config.scope}`,
      scope: config.scope,
    })
  }
  if (values.length > 1)
    throw malformed(`the request carries more than one ${config.header} header`)
  const tillId = values[0]!.trim()
  const record = TILL_ID.test(tillId) ? await findTill(config.tills, tillId) : undefined
  if (record === undefined || record.disabled === true) {
    throw new InvalidRequestError({
      code: 'ERR_ATTRIBUTION_INVALID',
      description: `the till named in ${config.header} is unknown or disabled`,
    })
  }
  return freezePrincipal({ ...principal, till: tillOf(record) })
}
