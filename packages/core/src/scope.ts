import { InsufficientScopeError, type AuthError } from './errors.js'
import type { Principal } from './principal.js'
import { challenge, missingCredentials } from './request.js'
import { registerScopes } from './scope-registry.js'

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

export type ScopeMode = 'all' | 'any'

/**
 * Builds the per-route scope check once: scopes are validated and frozen at construction,
 * so the per-request work is a few `Set.has` calls.
 */
export function createScopeCheck(
  mode: ScopeMode,
  scopes: readonly string[],
): (principal: Principal | null | undefined, request?: object) => void {
  const required = validateScopes(scopes)
  registerScopes(required)
  const scopeParam = required.join(' ')
  const description =
    mode === 'all' || required.length === 1
      ? `requires scope ${scopeParam}`
      : `requires one of the scopes ${scopeParam}`
  const satisfied =
    mode === 'all'
      ? (granted: ReadonlySet<string>): boolean => required.every((s) => granted.has(s))
      : (granted: ReadonlySet<string>): boolean => required.some((s) => granted.has(s))

  return (principal, request) => {
    if (!principal) throw missingCredentials(request)
    if (!satisfied(principal.scopes))
      throw challenge(request, insufficientScope(scopeParam, description), principal)
  }
}

function insufficientScope(scope: string, description: string): AuthError {
  // RFC 6750 §3: the `scope` attribute names the scopes needed to access the resource.
  return new InsufficientScopeError({ code: 'ERR_SCOPE_INSUFFICIENT', description, scope })
}

function validateScopes(scopes: readonly string[]): readonly string[] {
  if (scopes.length === 0) throw new TypeError('requireScope() needs at least one scope')
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(`scope ${JSON.stringify(scope)} is not a valid RFC 6749 scope-token`)
    }
  }
  return Object.freeze([...new Set(scopes)])
}

/**
 * Normalises a scope claim into a set: a space-delimited string (`scope`, RFC 8693 §4.2)
 * or an array of strings (`scp`; a preset's `permissions` or `roles`). Anything else yields
 * no scopes. Which claims are read is the issuer config's `scopeClaims`: `scope` and `scp`
 * unless a preset or `scopeClaim` says otherwise (bearer/presets/generic.ts says why).
 */
export function parseScopeClaim(value: unknown): string[] {
  if (typeof value === 'string') {
    const scopes = value.split(' ')
    // Only a doubled, leading or trailing space leaves an empty string to drop.
    return scopes.includes('') ? scopes.filter((s) => s.length > 0) : scopes
  }
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string')
  return []
}
