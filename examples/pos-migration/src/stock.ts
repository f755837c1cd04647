import type { Principal } from '@m2m-auth/core'

/** Stock levels per store; a real service would ask its database. */
const STOCK: Record<string, Record<string, number>> = {
  'S-1': { 'espresso-beans-1kg': 42, 'oat-milk-1l': 17 },
  'S-2': { 'espresso-beans-1kg': 5, 'paper-cups-100': 12 },
}

/**
 * The handler never asks how the caller authenticated: a till on Basic, the same till with
 * its own OAuth token, or a POS gateway acting for it all yield the same `principal.till`.
 */
export function stockFor(principal: Principal): object {
  const store = principal.till?.store
  return {
    till: principal.till?.id ?? null,
    store: store ?? null,
    via: principal.scheme,
    items: store === undefined ? {} : (STOCK[store] ?? {}),
  }
}
