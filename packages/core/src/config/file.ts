import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { AuthenticatorOptions } from '../authenticator.js'
import { checkKnownKeys, validateOptions } from './validate.js'

/**
 * Authenticator options from a JSON file shaped like `AuthenticatorOptions` (functions such
 * as `fetch` aside). Unknown keys, bad JSON and bad values fail with the file and field named.
 */
export function authenticatorOptionsFromFile(
  path: string,
  cwd = process.cwd(),
): AuthenticatorOptions {
  const file = resolve(cwd, path)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new TypeError(`${path}: cannot be read (${code})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new TypeError(`${path}: is not valid JSON (${(error as Error).message})`)
  }
  checkKnownKeys(value, path)
  return validateOptions(value, path)
}
