import { createAuthenticator, type AuthenticatorOptions } from '../authenticator.js'

const BEARER_KEYS = new Set([
  'issuer',
  'audience',
  'preset',
  'jwksUri',
  'algorithms',
  'secret',
  'clockTolerance',
  'requireAccessTokenType',
  'scopeClaim',
  'audienceClaim',
  'requiredClaims',
  'tillClaims',
  'introspection',
  'jwksCooldownMs',
  'jwksMaxAgeMs',
  'failureBackoffMs',
  'timeoutMs',
  'allowInsecureRequests',
])
// Only what JSON can carry: `store`, `fetch` and the callbacks are objects or functions, so a
// file naming them is refused like any other unknown key.
const TOP_KEYS = new Set([
  'bearer',
  'realm',
  'maxTokenLength',
  'cache',
  'tokenHeader',
  'resourceMetadata',
])
const NESTED_KEYS: Record<string, ReadonlySet<string>> = {
  introspection: new Set([
    'clientId',
    'clientSecret',
    'authMethod',
    'endpoint',
    'cacheTtlMs',
    'requireAudience',
    'inactiveCache',
    'maxConcurrent',
    'maxQueued',
  ]),
  // `false` turns it off; an object is checked key by key.
  inactiveCache: new Set(['ttlMs', 'maxEntries', 'maxBytes']),
  tillClaims: new Set(['id', 'store']),
  cache: new Set(['maxEntries', 'maxBytes']),
  resourceMetadata: new Set([
    'resource',
    'authorizationServers',
    'scopesSupported',
    'resourceName',
  ]),
}

/**
 * Rejects keys the options do not have, so a typo (`audeince`) fails at start instead of
 * silently meaning "not set". `source` prefixes every message (a file name, "environment").
 */
export function checkKnownKeys(value: unknown, source: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${source}: must be a JSON object`)
  }
  unknownKeys(value, TOP_KEYS, '', source)
  const bearer = (value as { bearer?: unknown }).bearer
  const list: unknown[] = Array.isArray(bearer) ? bearer : bearer === undefined ? [] : [bearer]
  list.forEach((entry, i) => {
    const at = Array.isArray(bearer) ? `bearer[${i}]` : 'bearer'
    if (typeof entry !== 'object' || entry === null) {
      throw new TypeError(`${source}: "${at}" must be an object`)
    }
    unknownKeys(entry, BEARER_KEYS, `${at}.`, source)
  })
}

function unknownKeys(
  value: object,
  known: ReadonlySet<string>,
  prefix: string,
  source: string,
): void {
  for (const [key, nested] of Object.entries(value) as Array<[string, unknown]>) {
    if (!known.has(key)) {
      throw new TypeError(`${source}: "${prefix}${key}" is not a known option${hint(key, known)}`)
    }
    const inner = NESTED_KEYS[key]
    if (inner && typeof nested === 'object' && nested !== null) {
      unknownKeys(nested, inner, `${prefix}${key}.`, source)
    }
  }
}

function hint(key: string, known: ReadonlySet<string>): string {
  const close = closest(key, known)
  return close === undefined ? '' : ` (did you mean ${close}?)`
}

/** The known name within two edits of `name` (a typo), if any. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  for (const candidate of known) if (distance(candidate, name) <= 2) return candidate
  return undefined
}

/** Levenshtein distance, one row at a time. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

/**
 * Builds (and discards) an authenticator: construction validates every option and touches
 * no network, so each mistake surfaces now, worded by the same checks that guard the API.
 */
export function validateOptions(
  options: AuthenticatorOptions,
  source: string,
  rename: (message: string) => string = (m) => m,
): AuthenticatorOptions {
  try {
    createAuthenticator(options)
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${source}: ${rename(error.message)}`)
    throw error
  }
  return options
}
