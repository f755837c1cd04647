import { isAuthError } from '../errors.js'

/** One line of a diagnosis: what was checked, how it went, and why, in words. */
export interface DiagnosisLine {
  readonly check: string
  readonly status: 'pass' | 'fail' | 'warn' | 'info'
  readonly detail: string
}

export interface Diagnosis {
  readonly issuer: string
  /** With a token: whether the real verifier accepts it. Without: whether the setup works. */
  readonly accepted: boolean
  /** The verifier's own error code when it rejects the token. */
  readonly code?: string
  readonly lines: readonly DiagnosisLine[]
}

export type Lines = DiagnosisLine[]

export function line(
  check: string,
  status: DiagnosisLine['status'],
  detail: string,
): DiagnosisLine {
  return { check, status, detail }
}

export function reason(error: unknown): string {
  return isAuthError(error) ? error.message : error instanceof Error ? error.message : String(error)
}
