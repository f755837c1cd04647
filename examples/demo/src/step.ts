import type { Exchange } from './http.js'
import type { World } from './world.js'

/** What a step must produce for the demo to count it as expected. */
export interface Expectation {
  readonly status: number
  /** The RFC 6750 `error` code of the challenge (refusals only). */
  readonly error?: string
  /** Matched against the step's `detail` line (a description, a header, a count). */
  readonly detail?: RegExp
}

/** What a step saw, in words for the transcript. */
export interface Observation {
  readonly exchange: Exchange
  /** One line on what happened: what was created, which till, which headers. */
  readonly detail: string
  /** Extra lines worth showing (a WWW-Authenticate header, a Deprecation header). */
  readonly notes?: readonly string[]
}

/** One call in the scenario: who calls whom, how, and what should come of it. */
export interface Step {
  readonly from: string
  readonly to: string
  readonly request: string
  /** The scheme and the scopes (or till) the caller presents. */
  readonly credentials: string
  /** Why this step is in the demo, printed before it. */
  readonly story?: string
  readonly expect: Expectation
  run(world: World): Promise<Observation>
}

export const challengeNote = (exchange: Exchange): string[] => {
  const header = exchange.headers.get('www-authenticate')
  return header === null ? [] : [`WWW-Authenticate: ${header}`]
}

/** A refusal: the challenge's error_description, and the WWW-Authenticate header itself. */
export const refusal = (exchange: Exchange): Observation => ({
  exchange,
  detail: exchange.description ?? exchange.headers.get('www-authenticate') ?? 'no challenge',
  notes: challengeNote(exchange),
})
