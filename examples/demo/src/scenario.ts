import { expiryStep } from './expiry-step.js'
import { calendarSteps } from './calendar-steps.js'
import { orderSteps } from './order-steps.js'
import type { Expectation, Observation, Step } from './step.js'
import { tillSteps } from './till-steps.js'
import type { Held } from './tokens.js'
import type { World } from './world.js'

/** One step's verdict. */
export interface Outcome {
  readonly number: number
  readonly title: string
  readonly expected: Expectation
  /** Undefined when the step could not even make its call. */
  readonly observation?: Observation
  readonly ok: boolean
  /** Why the outcome differs from the expectation (empty when ok). */
  readonly mismatch: string
}

/** The scenario, in the order it is told. */
export function scenarioSteps(print: (line: string) => void): Step[] {
  const held: Held = {}
  return [...calendarSteps(held), ...orderSteps(), ...tillSteps(), expiryStep(held, print)]
}

/** Plays every step against a running world, printing the transcript as it goes. */
export async function playScenario(
  world: World,
  print: (line: string) => void,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const [index, step] of scenarioSteps(print).entries()) {
    outcomes.push(await playStep(world, step, index + 1, print))
  }
  return outcomes
}

async function playStep(
  world: World,
  step: Step,
  number: number,
  print: (line: string) => void,
): Promise<Outcome> {
  const title = `${step.from} -> ${step.to}: ${step.request}`
  print('')
  if (step.story) print(`${number}. ${step.story}`)
  print(`    ${title}`)
  print(`    credentials: ${step.credentials}`)
  let observation: Observation | undefined
  let mismatch: string
  try {
    observation = await step.run(world)
    mismatch = compare(step.expect, observation)
    printObservation(observation, print)
  } catch (error) {
    // A failed call is a failed outcome, reported in one line (no stack trace).
    mismatch = `the call failed: ${(error as Error).message}`
  }
  const ok = mismatch === ''
  const verdict = ok ? 'as expected' : `NOT AS EXPECTED, ${mismatch}`
  print(`    expected ${describe(step.expect)}: ${verdict}`)
  return { number, title, expected: step.expect, observation, ok, mismatch }
}

function printObservation(observation: Observation, print: (line: string) => void): void {
  const { status, error } = observation.exchange
  const verdict = status < 400 ? 'allowed' : 'refused'
  const code = error === undefined ? '' : ` ${error}`
  print(`    => ${status} ${verdict}${code}: ${observation.detail}`)
  for (const note of observation.notes ?? []) print(`       ${note}`)
}

function describe(expect: Expectation): string {
  return [String(expect.status), expect.error].filter(Boolean).join(' ')
}

function compare(expect: Expectation, observation: Observation): string {
  const { status, error } = observation.exchange
  const wrong: string[] = []
  if (status !== expect.status) wrong.push(`got status ${status}`)
  if (expect.error !== undefined && error !== expect.error)
    wrong.push(`got error ${error ?? 'none'}`)
  if (expect.detail !== undefined && !expect.detail.test(observation.detail))
    wrong.push(`detail does not match ${String(expect.detail)}`)
  return wrong.join('; ')
}

/** `demo: 11/11 outcomes as expected`. */
export function summary(outcomes: readonly Outcome[]): string {
  const ok = outcomes.filter((o) => o.ok).length
  return `demo: ${ok}/${outcomes.length} outcomes as expected`
}
