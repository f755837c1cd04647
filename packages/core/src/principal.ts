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

export function freezePrincipal(principal: Mutable<Principal>): Principal {
  if (principal.till) Object.freeze(principal.till)
  Object.freeze(principal.claims)
  return Object.freeze(principal)
}
