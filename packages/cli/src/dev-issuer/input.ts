import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { DEFAULT_AUDIENCE, type DevIssuerInput } from './setup.js'

/** The dev-issuer's command-line flags, as parseArgs returns them. */
export interface DevIssuerFlags {
  port?: string
  client?: string[]
  audience?: string[]
  scope?: string[]
  format?: string
  ttl?: string
  'introspection-client'?: string
}

const FILE_KEYS = new Set(['port', 'scopes', 'audiences', 'clients', 'introspection', 'ttl'])

/**
 * The setup from a JSON file (if any) with the flags on top: a flag replaces that part of
 * the file. Validation happens once, in resolveSetup.
 */
export async function readInput(
  flags: DevIssuerFlags,
  file: string | undefined,
  cwd: string,
): Promise<DevIssuerInput> {
  const base = file === undefined ? {} : await readSetupFile(resolve(cwd, file), file)
  const fromFlags: DevIssuerInput = {
    port: flags.port,
    scopes: flags.scope,
    clients: flags.client?.map(parseClientSpec),
    audiences: flags.audience && Object.fromEntries(flags.audience.map((a) => [a, 'jwt'])),
    introspection: flags['introspection-client'] && parseClientSpec(flags['introspection-client']),
    ttl: flags.ttl,
  }
  const merged: DevIssuerInput = { ...base }
  for (const [key, value] of Object.entries(fromFlags))
    if (value !== undefined) merged[key as keyof DevIssuerInput] = value
  if (flags.format !== undefined) merged.audiences = withFormat(merged.audiences, flags.format)
  return merged
}

/** `--format` applies to every audience, from the flags, the file or the default. */
function withFormat(audiences: unknown, format: string): unknown {
  if (format !== 'jwt' && format !== 'opaque')
    throw new TypeError('"format" must be "jwt" or "opaque"')
  if (audiences === undefined) return { [DEFAULT_AUDIENCE]: format }
  if (typeof audiences !== 'object' || audiences === null) return audiences
  return Object.fromEntries(Object.keys(audiences).map((a) => [a, format]))
}

/**
 * `id`, `id:secret` or `id:secret:scope1,scope2`; an empty secret (`id::read`) means a
 * random one. The secret is never quoted in an error.
 */
export function parseClientSpec(spec: string): { id: string; secret?: string; scopes?: string } {
  const first = spec.indexOf(':')
  if (first === -1) return { id: spec }
  const second = spec.indexOf(':', first + 1)
  const id = spec.slice(0, first)
  const secret = spec.slice(first + 1, second === -1 ? undefined : second)
  const scopes = second === -1 ? undefined : spec.slice(second + 1)
  return {
    id,
    ...(secret === '' ? {} : { secret }),
    ...(scopes === undefined ? {} : { scopes }),
  }
}

async function readSetupFile(path: string, shown: string): Promise<DevIssuerInput> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new TypeError(`--config: cannot read ${shown}: ${(error as NodeJS.ErrnoException).code}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // The parser's message may quote the file, and the file holds secrets.
    throw new TypeError(`--config: ${shown} is not valid JSON`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TypeError(`--config: ${shown} must hold a JSON object`)
  const unknown = Object.keys(json).find((key) => !FILE_KEYS.has(key))
  if (unknown !== undefined)
    throw new TypeError(
      `--config: "${unknown}" is not a known option (known: ${[...FILE_KEYS].join(', ')})`,
    )
  return json
}
