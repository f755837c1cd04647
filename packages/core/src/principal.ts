import type { ChallengeConfig } from './challenge.js'

/** Who is calling, however they authenticated. Frozen: one instance may serve many requests. */
export interface Principal {
  readonly scheme: 'bearer' | 'basic'
  /** Token `sub`, or `till:<id>` for a till on Basic. */
  readonly subject: string
  readonly clientId?: string
  readonly issuer?: string
  readonly scopes: ReadonlySet<string>
  /** The claim the scopes were read from (`scope`, `scp`, ...), for bearer principals. */
  readonly scopeClaim?: string
  readonly till?: Readonly<{ id: string; store?: string }>
  readonly claims: Readonly<Record<string, unknown>>
  readonly expiresAt?: Date
}

/** A Set that refuses changes, so a cached principal cannot be altered by one handler. */
export class ScopeSet extends Set<string> {
  constructor(values: Iterable<string>) {
    super()
    for (const value of values) super.add(value)
  }

  override add(): this {
    throw new TypeError('Principal.scopes is read-only')
  }

  override delete(): boolean {
    throw new TypeError('Principal.scopes is read-only')
  }

  override clear(): void {
    throw new TypeError('Principal.scopes is read-only')
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Each principal carries one hidden, mutable slot for the challenge its authenticator answers
 * a later 403 with (realm, schemes): filled when the authenticator first hands it out. A private
 * field, stamped on by a base constructor that returns the principal itself, so it is invisible
 * to JSON, spreads, reflection and equality. Cheaper than the alternatives on a fresh token:
 * a defined symbol property cost 0.3 µs (a runtime call), a WeakMap entry an ephemeron the
 * garbage collector must revisit.
 */
interface ChallengeSlot {
  config: ChallengeConfig | undefined
}

class ReturnsTarget {
  constructor(target: object) {
    return target
  }
}

class HiddenSlot extends ReturnsTarget {
  readonly #slot: ChallengeSlot = { config: undefined }

  static of(principal: object): ChallengeSlot | undefined {
    return #slot in principal ? principal.#slot : undefined
  }
}

export function freezePrincipal(principal: Mutable<Principal>): Principal {
  if (principal.till) Object.freeze(principal.till)
  Object.freeze(principal.claims)
  new HiddenSlot(principal)
  return Object.freeze(principal)
}

export function setPrincipalChallenge(principal: Principal, config: ChallengeConfig): void {
  const slot = HiddenSlot.of(principal)
  if (slot !== undefined) slot.config = config
}

/** The challenge of the authenticator that handed this principal out, if one did. */
export function principalChallenge(principal: object): ChallengeConfig | undefined {
  return HiddenSlot.of(principal)?.config
}
