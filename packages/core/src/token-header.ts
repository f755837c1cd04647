import type { IssuerConfig } from './bearer/options.js'

// RFC 9110 §5.1: a field name is a token.
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * The header a bare token may arrive in, lower-cased for lookup: the `tokenHeader` option,
 * else the one a preset (Capillary: `X-CAP-API-OAUTH-TOKEN`) asks for. Two presets wanting
 * different headers is a configuration mistake, since a request may carry only one token.
 */
export function tokenHeaderOption(
  value: unknown,
  configs: readonly IssuerConfig[],
): string | undefined {
  if (value !== undefined) {
    if (typeof value !== 'string' || !FIELD_NAME.test(value)) {
      throw new TypeError('"tokenHeader" must be an HTTP header name')
    }
    if (value.toLowerCase() === 'authorization') {
      throw new TypeError('"tokenHeader" must name a header other than Authorization')
    }
    return value.toLowerCase()
  }
  const wanted = new Set(
    configs.flatMap((c) => (c.tokenHeader === undefined ? [] : [c.tokenHeader])),
  )
  if (wanted.size > 1) {
    throw new TypeError(`"tokenHeader" must be set: presets ask for ${[...wanted].join(' and ')}`)
  }
  return wanted.values().next().value
}
