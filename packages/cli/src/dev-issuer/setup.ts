import { randomBytes } from 'node:crypto'

/** How a resource server's access tokens look: RFC 9068 JWTs, or opaque (RFC 7662 introspection). */
export type TokenFormat = 'jwt' | 'opaque'

export interface DevClient {
  readonly id: string
  readonly secret: string
  /** Scopes the client may request (RFC 6749 §3.3). */
  readonly scopes: readonly string[]
}

export interface DevAudience {
  /** The RFC 8707 resource indicator; it becomes the token's `aud`. */
  readonly audience: string
  readonly format: TokenFormat
}

/** A validated dev-issuer setup: every default filled in, every secret chosen. */
export interface DevIssuerSetup {
  /** 0: the OS picks a free port. */
  readonly port: number
  /** Every scope the issuer defines (`scopes`, default read write, plus the clients' own). */
  readonly scopes: readonly string[]
  /** The first is the default when a token request names no `resource`. */
  readonly audiences: readonly DevAudience[]
  readonly clients: readonly DevClient[]
  /** The resource server's own client for RFC 7662 §2.1; present when an audience is opaque. */
  readonly introspection?: DevClient
  /** Seconds an access token lives. */
  readonly tokenTtl: number
}

/** What flags or a setup file may say; everything optional, nothing validated yet. */
export interface DevIssuerInput {
  port?: unknown
  scopes?: unknown
  audiences?: unknown
  clients?: unknown
  introspection?: unknown
  ttl?: unknown
}

export const DEFAULT_SCOPES = ['read', 'write'] as const
export const DEFAULT_AUDIENCE = 'http://localhost:3000'
export const DEFAULT_CLIENT_ID = 'dev-client'
export const DEFAULT_INTROSPECTION_ID = 'dev-introspection'
export const DEFAULT_TTL = 3600
// oidc-provider and the token client both cap lifetimes; a day is plenty for development.
const MAX_TTL = 86_400

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/
// RFC 6749 Appendix A.1 (client_id) and A.2 (client_secret) are VSCHAR; no space, so that
// what is printed can be pasted into a shell.
const VISIBLE = /^[\x21-\x7e]+$/

/** Validates the input once; every mistake is a TypeError naming the option. */
export function resolveSetup(input: DevIssuerInput): DevIssuerSetup {
  const clients = readClients(input.clients)
  const declared =
    input.scopes === undefined ? [...DEFAULT_SCOPES] : readScopes(input.scopes, 'scopes')
  // A client's own scopes are declared too: oidc-provider checks only declared scopes.
  const scopes = unique([...declared, ...clients.flatMap((c) => c.scopes ?? [])])
  const audiences = readAudiences(input.audiences)
  const complete = (c: PartialClient): DevClient => ({
    id: c.id,
    secret: c.secret ?? randomSecret(),
    scopes: c.scopes ?? scopes,
  })
  const introspection = audiences.some((a) => a.format === 'opaque')
    ? complete({ ...readIntrospection(input.introspection), scopes: [] })
    : undefined
  const all = [...clients, ...(introspection ? [introspection] : [])]
  const duplicate = all.find((c, i) => all.findIndex((o) => o.id === c.id) !== i)
  if (duplicate) throw new TypeError(`"clients": client id "${duplicate.id}" is given twice`)
  return {
    port: readInteger(input.port, 'port', 0, 65_535, 0),
    scopes,
    audiences,
    clients: (clients.length > 0 ? clients : [{ id: DEFAULT_CLIENT_ID }]).map(complete),
    ...(introspection ? { introspection } : {}),
    tokenTtl: readInteger(input.ttl, 'ttl', 1, MAX_TTL, DEFAULT_TTL),
  }
}

interface PartialClient {
  id: string
  secret?: string
  scopes?: readonly string[]
}

function readClients(value: unknown): PartialClient[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new TypeError('"clients" must be a list')
  return value.map((entry: unknown, i) => readClient(entry, `clients[${i}]`))
}

function readClient(value: unknown, name: string): PartialClient {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`"${name}" must be an object with "id", and optional "secret", "scopes"`)
  const { id, secret, scopes, ...rest } = value as Record<string, unknown>
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined) throw new TypeError(`"${name}.${unknown}" is not a known option`)
  if (typeof id !== 'string' || !VISIBLE.test(id))
    throw new TypeError(`"${name}.id" must be a non-empty string without spaces`)
  // The secret itself is never quoted back: it may be a real one pasted by mistake.
  if (secret !== undefined && (typeof secret !== 'string' || !VISIBLE.test(secret)))
    throw new TypeError(`"${name}.secret" must be a non-empty string without spaces`)
  const list = scopes === undefined ? undefined : readScopes(scopes, `${name}.scopes`)
  return {
    id,
    ...(secret === undefined ? {} : { secret }),
    ...(list === undefined || list.length === 0 ? {} : { scopes: list }),
  }
}

function readIntrospection(value: unknown): PartialClient {
  if (value === undefined) return { id: DEFAULT_INTROSPECTION_ID }
  const { id, secret } = readClient(value, 'introspection')
  return secret === undefined ? { id } : { id, secret }
}

/** A list of scopes; each entry may itself be space- or comma-separated. */
function readScopes(value: unknown, name: string): string[] {
  if (value === undefined) return []
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string'))
    throw new TypeError(`"${name}" must be a list of scope strings`)
  const scopes = list.flatMap((s: string) => s.split(/[\s,]+/)).filter((s) => s !== '')
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s))
  if (bad !== undefined)
    throw new TypeError(`"${name}": "${bad}" is not a valid scope (RFC 6749 §3.3)`)
  return unique(scopes)
}

function readAudiences(value: unknown): DevAudience[] {
  if (value === undefined) return [{ audience: DEFAULT_AUDIENCE, format: 'jwt' }]
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError('"audiences" must map each audience to "jwt" or "opaque"')
  const audiences = Object.entries(value as Record<string, unknown>).map(([audience, format]) => {
    if (!URL.canParse(audience) || /\s/.test(audience))
      throw new TypeError(`"audiences": "${audience}" must be an absolute URI (RFC 8707 §2)`)
    if (format !== 'jwt' && format !== 'opaque')
      throw new TypeError(`"audiences.${audience}" must be "jwt" or "opaque"`)
    return { audience, format } as const
  })
  if (audiences.length === 0) throw new TypeError('"audiences" must name at least one audience')
  return audiences
}

function readInteger(value: unknown, name: string, min: number, max: number, fallback: number) {
  if (value === undefined) return fallback
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max)
    throw new TypeError(`"${name}" must be an integer from ${min} to ${max}`)
  return number
}

function randomSecret(): string {
  return randomBytes(24).toString('base64url')
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)]
}
