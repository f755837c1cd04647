import {
  InvalidTokenError,
  IssuerUnavailableError,
  MissingCredentialsError,
  type AuthError,
} from '../errors.js'
import type { TillRecord, TillStore } from './till-store.js'

/**
 * One error for an unknown till, a wrong password and a password that is not an MD5 hex:
 * the same status, headers and body, so responses cannot be used to enumerate tills.
 */
export function invalidTillCredentials(): AuthError {
  return new InvalidTokenError({
    code: 'ERR_CREDENTIALS_INVALID',
    description: 'the till credentials are invalid',
  })
}

/** Counted per till id whether or not the till exists, so it says nothing about existence. */
export function tillLockedOut(lockedUntil: number, now: number): AuthError {
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000))
  return new InvalidTokenError({
    code: 'ERR_TILL_LOCKED',
    description: 'too many failed attempts for this till; try again later',
    headers: { 'Retry-After': String(seconds) }, // RFC 9110 §10.2.3
  })
}

/** Only ever sent after the secret verified, so it reveals nothing to a guesser. */
export function tillDisabled(): AuthError {
  return new InvalidTokenError({ code: 'ERR_TILL_DISABLED', description: 'the till is disabled' })
}

export function tillMigrated(): AuthError {
  return new InvalidTokenError({
    code: 'ERR_TILL_MIGRATED',
    description: 'this till has migrated to OAuth and must authenticate with a Bearer token',
  })
}

export function basicDisabled(): AuthError {
  return new MissingCredentialsError({
    code: 'ERR_SCHEME_DISABLED',
    description: 'Basic authentication is no longer accepted; use OAuth (a Bearer token)',
  })
}

/** Looks a till up; a failing store is a 503, never a 401 that would blame the till. */
export async function findTill(store: TillStore, tillId: string): Promise<TillRecord | undefined> {
  try {
    return await store.find(tillId)
  } catch (error) {
    throw tillStoreUnavailable(error)
  }
}

export function tillStoreUnavailable(cause: unknown): AuthError {
  return new IssuerUnavailableError({
    code: 'ERR_TILL_STORE_UNAVAILABLE',
    description: 'the till store is temporarily unavailable',
    headers: { 'Retry-After': '5' },
    cause,
  })
}
