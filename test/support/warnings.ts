import { afterAll, beforeAll, beforeEach } from 'vitest'

export interface CapturedWarnings {
  /** The messages of the captured type emitted by the running test, in order. */
  readonly messages: string[]
}

/**
 * For a suite whose tests cause process warnings on purpose (a store outage warns once, by
 * design): warnings of `type` are recorded for the test to assert on, instead of being printed
 * into the run's output. Warnings of any other type still reach Node's default handler, so an
 * unexpected one is never hidden. In place for the whole suite (a warning may come a moment
 * after the test that caused it); the messages are cleared before each test.
 */
export function captureWarnings(type = 'M2mAuthWarning'): CapturedWarnings {
  const captured: CapturedWarnings = { messages: [] }
  const emit = process.emitWarning
  beforeEach(() => {
    captured.messages.length = 0
  })
  beforeAll(() => {
    process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
      if (warningType(warning, rest[0]) === type) {
        captured.messages.push(typeof warning === 'string' ? warning : warning.message)
        return
      }
      ;(emit as (...args: unknown[]) => void).call(process, warning, ...rest)
    }
  })
  afterAll(() => {
    process.emitWarning = emit
  })
  return captured
}

/** `emitWarning(warning, type)`, `emitWarning(warning, { type })` or an Error's `name`. */
function warningType(warning: string | Error, second: unknown): string {
  if (typeof second === 'string') return second
  if (typeof second === 'object' && second !== null && 'type' in second) return String(second.type)
  return typeof warning === 'string' ? 'Warning' : warning.name
}
