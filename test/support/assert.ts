import { isAuthError, type AuthError } from '@m2m-auth/core'

/** Awaits a promise that must reject with an AuthError, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${String(error)}`)
  return error
}
