import { createAuthenticator, type AuthenticatorOptions } from '../authenticator.js'
import { AUTHENTICATOR_OPTIONS } from './known-keys.js'
import { checkOptionKeys } from './unknown-keys.js'

/**
 * Rejects keys the options do not have, so a typo (`audeince`) fails at start instead of
 * silently meaning "not set"; options only code can pass (`store`, `fetch`, `basic`) are
 * unknown in a file. The same list and checker guard `createAuthenticator()` itself.
 * `source` prefixes every message (a file name).
 */
export function checkKnownKeys(value: unknown, source: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${source}: must be a JSON object`)
  }
  try {
    checkOptionKeys(value, AUTHENTICATOR_OPTIONS, { json: true })
  } catch (error) {
    throw new TypeError(`${source}: ${(error as Error).message}`)
  }
}

/**
 * Builds (and discards) an authenticator: construction validates every option and touches
 * no network, so each mistake surfaces now, worded by the same checks that guard the API.
 */
export function validateOptions(
  options: unknown,
  source: string,
  rename: (message: string) => string = (m) => m,
): AuthenticatorOptions {
  try {
    createAuthenticator(options as AuthenticatorOptions)
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${source}: ${rename(error.message)}`)
    throw error
  }
  return options as AuthenticatorOptions
}
