import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from '../io.js'

/**
 * parseArgs, but its errors never echo what was typed: a stray argument may well be the
 * secret someone tried to pass on the command line.
 */
export function parseOptions<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config)
  } catch (error) {
    const code = (error as { code?: string }).code
    throw new UsageError(
      code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? 'unexpected argument; secrets are read from standard input, never the command line'
        : 'unknown or malformed option; see --help',
    )
  }
}

/** The environment variable holding the pepper: secrets never travel on argv. */
export const PEPPER_ENV = 'M2M_AUTH_TILL_PEPPER'

export function pepperFrom(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const pepper = env[PEPPER_ENV]
  if (pepper === undefined || pepper === '') return undefined
  if (Buffer.byteLength(pepper) < 16)
    throw new UsageError(`$${PEPPER_ENV} must be at least 16 bytes`)
  return pepper
}

export function costOption(value: string | undefined): { ln: number } | undefined {
  if (value === undefined) return undefined
  const ln = Number(value)
  if (!Number.isInteger(ln) || ln < 1 || ln > 20) throw new UsageError('--cost-ln must be 1-20')
  return { ln }
}
