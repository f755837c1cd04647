import { freezePrincipal, ScopeSet, type Principal } from '../principal.js'
import type { TillRecord } from './till-store.js'

const NO_CLAIMS: Readonly<Record<string, unknown>> = Object.freeze({})

/** The principal of a till on Basic; the same `till` shape a migrated till's token yields. */
export function tillPrincipal(record: TillRecord): Principal {
  return freezePrincipal({
    scheme: 'basic',
    subject: `till:${record.tillId}`,
    scopes: new ScopeSet(record.scopes),
    till: tillOf(record),
    claims: NO_CLAIMS,
  })
}

export function tillOf(record: TillRecord): { id: string; store?: string } {
  return record.store === undefined
    ? { id: record.tillId }
    : { id: record.tillId, store: record.store }
}
