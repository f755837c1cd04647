import type { AuthenticatorOptions } from '../authenticator.js'
import { authenticatorOptionsFromFile } from './file.js'
import type { AuthenticatorOptionPath } from './known-keys.js'
import { closest } from './unknown-keys.js'
import { validateOptions } from './validate.js'

type Env = Readonly<Record<string, string | undefined>>

/**
 * Where each variable lands in the options, and how its text is read. A path is typed by the
 * one list of options (known-keys.ts), so a variable cannot point at an option that does not exist.
 */
const VARIABLES = {
  M2M_AUTH_ISSUER: { path: 'bearer.issuer', read: text },
  M2M_AUTH_AUDIENCE: { path: 'bearer.audience', read: list },
  M2M_AUTH_PRESET: { path: 'bearer.preset', read: text },
  M2M_AUTH_JWKS_URI: { path: 'bearer.jwksUri', read: text },
  M2M_AUTH_ALGORITHMS: { path: 'bearer.algorithms', read: list },
  M2M_AUTH_CLOCK_TOLERANCE: { path: 'bearer.clockTolerance', read: seconds },
  M2M_AUTH_SCOPE_CLAIM: { path: 'bearer.scopeClaim', read: list },
  M2M_AUTH_AUDIENCE_CLAIM: { path: 'bearer.audienceClaim', read: list },
  M2M_AUTH_REQUIRE_AT_JWT: { path: 'bearer.requireAccessTokenType', read: boolean },
  M2M_AUTH_INTROSPECTION_CLIENT_ID: { path: 'bearer.introspection.clientId', read: text },
  M2M_AUTH_INTROSPECTION_CLIENT_SECRET: { path: 'bearer.introspection.clientSecret', read: text },
  M2M_AUTH_INTROSPECTION_AUTH_METHOD: { path: 'bearer.introspection.authMethod', read: text },
  M2M_AUTH_INTROSPECTION_ENDPOINT: { path: 'bearer.introspection.endpoint', read: text },
  M2M_AUTH_INTROSPECTION_CACHE_TTL: { path: 'bearer.introspection.cacheTtlMs', read: millis },
  M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE: {
    path: 'bearer.introspection.requireAudience',
    read: boolean,
  },
  M2M_AUTH_TOKEN_HEADER: { path: 'tokenHeader', read: text },
  M2M_AUTH_REALM: { path: 'realm', read: text },
  M2M_AUTH_MAX_TOKEN_LENGTH: { path: 'maxTokenLength', read: integer },
  M2M_AUTH_RESOURCE: { path: 'resourceMetadata.resource', read: text },
} as const satisfies Record<
  string,
  { path: AuthenticatorOptionPath; read: (value: string) => unknown }
>

type Variable = keyof typeof VARIABLES
const FILE = 'M2M_AUTH_CONFIG_FILE'
const PREFIX = 'M2M_AUTH_'
/**
 * Variables other parts of m2m-auth read from the same environment (the outbound token client,
 * `m2m-auth token`, till secret peppering). Known, so not refused; not inbound configuration.
 */
const OTHER_PARTS: ReadonlySet<string> = new Set([
  'M2M_AUTH_CLIENT_ID',
  'M2M_AUTH_CLIENT_SECRET',
  'M2M_AUTH_CLIENT_SECRET_FILE',
  'M2M_AUTH_SCOPE',
  'M2M_AUTH_TOKEN_ENDPOINT',
  'M2M_AUTH_TILL_PEPPER',
])

/**
 * Twelve-factor configuration: `M2M_AUTH_*` variables for one issuer, or
 * `M2M_AUTH_CONFIG_FILE` naming a JSON file for anything richer (several issuers). Every
 * mistake throws a TypeError at start that names the variable and why; secrets are never echoed.
 */
export function authenticatorOptionsFromEnv(
  env: Env = process.env,
  { cwd = process.cwd() }: { cwd?: string } = {},
): AuthenticatorOptions {
  const present = Object.keys(env).filter(
    (k) => k.startsWith(PREFIX) && env[k] !== undefined && !OTHER_PARTS.has(k),
  )
  for (const name of present) {
    if (name !== FILE && !(name in VARIABLES)) {
      throw new TypeError(`${name}: is not a known variable (${hint(name)})`)
    }
  }
  const file = env[FILE]
  if (file !== undefined) {
    const other = present.find((name) => name !== FILE)
    if (other !== undefined) {
      throw new TypeError(`${other}: cannot be combined with ${FILE}; put it in the file`)
    }
    if (file.trim() === '') throw new TypeError(`${FILE}: must be a file path`)
    return authenticatorOptionsFromFile(file, cwd)
  }
  for (const required of ['M2M_AUTH_ISSUER', 'M2M_AUTH_AUDIENCE'] as const) {
    if (env[required] === undefined || env[required].trim() === '') {
      throw new TypeError(`${required}: is required (or set ${FILE})`)
    }
  }
  const options: Record<string, unknown> = {}
  for (const name of present as Variable[]) {
    const { path, read } = VARIABLES[name]
    let value: unknown
    try {
      value = read(env[name]!)
    } catch (error) {
      throw new TypeError(`${name}: ${(error as Error).message}`)
    }
    setPath(options, path, value)
  }
  return validateOptions(options, 'environment', toVariableNames)
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
  node[keys.at(-1)!] = value
}

/** `"bearer.audience" must be ...` becomes `M2M_AUTH_AUDIENCE must be ...`. */
function toVariableNames(message: string): string {
  return message.replace(/"([^"]+)"/g, (quoted, path: string) => {
    const name = Object.entries(VARIABLES).find(([, v]) => v.path === path)?.[0]
    return name ?? quoted
  })
}

function hint(name: string): string {
  const known = [FILE, ...Object.keys(VARIABLES)]
  const close = closest(name, known)
  return close ? `did you mean ${close}?` : `known: ${known.join(', ')}`
}

function text(value: string): string {
  if (value.trim() === '') throw new Error('must not be empty')
  return value.trim()
}

function list(value: string): string[] {
  const items = value.split(',').map((s) => s.trim())
  if (items.some((s) => s === ''))
    throw new Error('must be a comma-separated list without empty items')
  return items
}

function integer(value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new Error(`must be a whole number, got ${JSON.stringify(value)}`)
  return Number(value)
}

function seconds(value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new Error(`must be a whole number of seconds, got ${JSON.stringify(value)}`)
  }
  return Number(value)
}

function millis(value: string): number {
  return seconds(value) * 1000
}

function boolean(value: string): boolean {
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  throw new Error(`must be true or false, got ${JSON.stringify(value)}`)
}
