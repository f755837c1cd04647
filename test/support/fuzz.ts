import fc from 'fast-check'
import { isAuthError, type AuthError } from '@m2m-auth/core'
import { parseChallenges } from './rfc7235.js'

/**
 * Property-test budget. `pnpm test` runs each property `base` times (a few seconds a file);
 * `pnpm fuzz` sets FUZZ_RUNS, and every property then runs at least that many times.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 0)

export function numRuns(base: number): number {
  return Number.isInteger(FUZZ_RUNS) && FUZZ_RUNS > base ? FUZZ_RUNS : base
}

/** The per-test timeout: vitest's default in CI, generous for a long `pnpm fuzz`. */
export const FUZZ_TIMEOUT = FUZZ_RUNS > 0 ? 60 * 60_000 : 30_000

/** fast-check parameters with the budget; a seed from FUZZ_SEED replays a failure. */
export function fuzzParams(base: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)
  return { numRuns: numRuns(base), ...(seed === undefined ? {} : { seed }) }
}

// The catch-all wrappers' words: an AuthError carrying them hides a crash inside core.
const CATCH_ALL = new Set([
  'the token could not be verified',
  'the credentials could not be verified',
])

/**
 * What every refusal must be: an AuthError (never another throw), not one of the catch-all
 * wrappers around an unexpected exception, with a status in `statuses`, and a challenge that a
 * strict RFC 7235 parser accepts. Returns the error for further checks.
 */
export function expectCleanRefusal(error: unknown, statuses: readonly number[]): AuthError {
  if (!isAuthError(error)) {
    throw new Error(`escaped AuthError: ${String(error)}`, { cause: error })
  }
  if (CATCH_ALL.has(error.message)) {
    throw new Error(`a crash inside core was wrapped: ${String(error.cause)}`, { cause: error })
  }
  if (!statuses.includes(error.status)) {
    throw new Error(`status ${error.status} (${error.message}) not in ${statuses.join(',')}`)
  }
  const challenge = error.headers['WWW-Authenticate']
  if (challenge !== undefined) parseChallenges(challenge)
  return error
}

/** Settles a promise into what it resolved to, or the error it rejected with. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, error }
  }
}

// Arbitraries for Authorization values -----------------------------------------------------

const B64TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/'

/** A scheme name in any letter case, or some other token, or something that is not one. */
export const schemeArb: fc.Arbitrary<string> = fc.oneof(
  fc.mixedCase(fc.constantFrom('Bearer', 'Basic', 'DPoP', 'Digest', 'Negotiate', 'bearer')),
  fc.string({ unit: fc.constantFrom(..."!#$%&'*+.^_`|~0123456789abcXYZ-"), minLength: 1 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
)

/** What may sit between the scheme and the credential, or around the whole value. */
export const separatorArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(' ', '  ', '\t', '', ',', '=', ' , ', ':', ';', '\u00a0', '\u3000', '\x0b'),
  fc.string({ unit: fc.constantFrom(' ', '\t', ',', '=', '"'), maxLength: 4 }),
)

/** b64token-ish text (RFC 6750 §2.1) with trailing `=`, sometimes empty. */
export const b64tokenArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...B64TOKEN_CHARS), maxLength: 64 }),
    fc.string({ unit: fc.constant('='), maxLength: 3 }),
  )
  .map(([body, pad]) => body + pad)

/** Any text at all: code points across the planes, lone surrogates, control characters. */
export const anyTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
)

/** A string of `n` repetitions around the size limits (8 KiB tokens, 1 KiB Basic). */
export const lengthArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(1023, 1024, 1025, 8191, 8192, 8193, 9000, 20_000),
    fc.constantFrom('a', 'A.', '=', 'eyJ', '.', '/'),
  )
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n))

/** A valid token changed in one place: replaced, inserted or deleted characters. */
export function mutatedArb(token: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.nat({ max: token.length - 1 }),
      fc.nat({ max: 3 }),
      fc.string({ unit: fc.constantFrom(...B64TOKEN_CHARS, '.', '=', ' ', '%'), maxLength: 3 }),
    )
    .map(([at, drop, insert]) => token.slice(0, at) + insert + token.slice(at + drop))
    .filter((t) => t !== token)
}
