import {
  createNoopMeter,
  metrics,
  type Attributes,
  type Histogram,
  type MeterProvider,
  type ObservableCounter,
  type ObservableResult,
} from '@opentelemetry/api'

/** The meter every m2m-auth instrument belongs to. */
export const METER_NAME = '@m2m-auth/core'

export type Scheme = 'bearer' | 'dpop' | 'basic' | 'none'
export type Outcome = 'allowed' | 'refused' | 'unavailable'
export type CacheName = 'token' | 'introspection' | 'till'

/**
 * The counters are tallied here, in plain numbers keyed by attribute set, and handed to
 * OpenTelemetry only when a reader collects (observable counters): counting a request costs a
 * Map lookup and an addition, never an SDK call or an attribute object. Attribute sets come
 * from closed lists or configuration, so the number of keys stays bounded whatever callers
 * send; each set is built once and reused.
 */
interface Tally {
  readonly attributes: Attributes
  value: number
}

const COUNTERS = {
  authentications: ['m2m_auth.authentications', 'Authentication attempts by scheme and outcome'],
  legacyBasic: [
    'm2m_auth.legacy_basic.uses',
    'Successful legacy Basic authentications by till store',
  ],
  jwksFetches: ['m2m_auth.jwks.fetches', 'Fetches of an issuer JWKS'],
  cacheLookups: ['m2m_auth.cache.lookups', 'Cache lookups by cache and result'],
  tokenRequests: ['m2m_auth.token_client.requests', 'Token requests made by token clients'],
  introspections: ['m2m_auth.introspection.calls', 'RFC 7662 introspection calls'],
  lockouts: ['m2m_auth.basic.lockouts', 'Tills locked out after repeated failures'],
  storeFallbacks: [
    'm2m_auth.store.fallbacks',
    'Times the shared store became unavailable or came back',
  ],
} as const

type CounterName = keyof typeof COUNTERS

const tallies = new Map<CounterName, Map<string, Tally>>(
  (Object.keys(COUNTERS) as CounterName[]).map((name) => [name, new Map()]),
)

/**
 * Adds one to the tally of the attribute set `key` names; `build(key)` makes the set the first
 * time (pass a function defined once, not a closure made per call).
 */
export function count(name: CounterName, key: string, build: (key: string) => Attributes): void {
  bind()
  const sets = tallies.get(name)!
  const tally = sets.get(key)
  if (tally !== undefined) tally.value++
  else sets.set(key, { attributes: Object.freeze(build(key)), value: 1 })
}

/** Attributes of a `<issuer> <result>` key: the issuer is configuration, the result a closed set. */
export function issuerResult(key: string): Attributes {
  const split = key.lastIndexOf(' ')
  return { 'm2m_auth.issuer': key.slice(0, split), 'm2m_auth.result': key.slice(split + 1) }
}

/** The shared store went away (`unavailable`) or came back (`recovered`). */
export function countStoreFallback(state: string): void {
  count('storeFallbacks', state, stateAttributes)
}

function stateAttributes(state: string): Attributes {
  return { 'm2m_auth.state': state }
}

/** An incrementer for one fixed attribute set, made once: counting is then one addition. */
export function counter(name: CounterName, attributes: Attributes): () => void {
  const key = JSON.stringify(attributes)
  const sets = tallies.get(name)!
  let tally = sets.get(key)
  if (tally === undefined) {
    tally = { attributes: Object.freeze({ ...attributes }), value: 0 }
    sets.set(key, tally)
  }
  const t = tally
  return () => {
    // A process may only ever count this (a token client that never authenticates): the
    // counters must reach whichever MeterProvider is registered by then.
    bind()
    t.value++
  }
}

let boundTo: MeterProvider | undefined
let duration: Histogram | undefined
let timed = false
let calls = 0
// What the API hands out while no SDK is registered: durations are then not even measured.
const NOOP_HISTOGRAM = createNoopMeter().createHistogram('noop').constructor

/**
 * Binds the instruments to the global MeterProvider the first time, and again whenever the
 * application registers another (an SDK set up after this module loaded): the API hands out
 * no-op meters until one is registered, and keeps no proxy for metrics.
 */
function bind(): Histogram {
  // The global provider is looked up again every 256 events, not on each: a request pays an
  // addition, and an SDK registered late is still picked up within a few requests.
  if (duration !== undefined && (++calls & 255) !== 0) return duration
  const provider = metrics.getMeterProvider()
  if (provider === boundTo && duration !== undefined) return duration
  boundTo = provider
  const meter = provider.getMeter(METER_NAME)
  duration = meter.createHistogram('m2m_auth.authentication.duration', {
    description: 'Time to authenticate a request, by scheme and outcome',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] },
  })
  timed = duration.constructor !== NOOP_HISTOGRAM
  const observables: Array<[CounterName, ObservableCounter]> = []
  for (const name of Object.keys(COUNTERS) as CounterName[]) {
    const [instrument, description] = COUNTERS[name]
    observables.push([name, meter.createObservableCounter(instrument, { description })])
  }
  for (const [name, observable] of observables) {
    observable.addCallback((result: ObservableResult) => {
      for (const tally of tallies.get(name)!.values()) result.observe(tally.value, tally.attributes)
    })
  }
  return duration
}

/**
 * One authentication: its count, and its duration in seconds. Returns the attribute set, built
 * once per (scheme, outcome, code), for the active span. An allowed request, the hot path,
 * looks its set up without building a key.
 */
export function recordAuthentication(
  scheme: Scheme,
  outcome: Outcome,
  code: string | undefined,
  seconds: number,
): Attributes {
  const tally =
    code === undefined && outcome === 'allowed'
      ? (allowedTallies[scheme] ??= authenticationTally(scheme, outcome, undefined))
      : authenticationTally(scheme, outcome, code)
  tally.value++
  if (timed) bind().record(seconds, tally.attributes)
  else bind()
  return tally.attributes
}

const allowedTallies: Partial<Record<Scheme, Tally>> = {}

function authenticationTally(scheme: Scheme, outcome: Outcome, code: string | undefined): Tally {
  const key = `${scheme} ${outcome} ${code ?? ''}`
  const sets = tallies.get('authentications')!
  let tally = sets.get(key)
  if (tally === undefined) {
    const attributes: Attributes = { 'm2m_auth.scheme': scheme, 'm2m_auth.outcome': outcome }
    if (code !== undefined) attributes['error.type'] = code
    tally = { attributes: Object.freeze(attributes), value: 0 }
    sets.set(key, tally)
  }
  return tally
}

/** Whether a MeterProvider that records is registered, so a duration is worth measuring. */
export function durationsRecorded(): boolean {
  bind()
  return timed
}

/** The current totals, for tests and `doctor`-style reports; never tokens or secrets. */
export function snapshot(name: CounterName): Array<{ attributes: Attributes; value: number }> {
  return [...tallies.get(name)!.values()].map(({ attributes, value }) => ({ attributes, value }))
}

/** Makes sure the observable counters are registered with the current provider. */
export function ensureBound(): void {
  bind()
}
