import type { TokenClient } from '@m2m-auth/core'

export type StockAnswer =
  | { kind: 'available'; available: number }
  | { kind: 'unknown-sku' }
  | { kind: 'refused'; status: number }

/**
 * Asks the inventory service how many units of a SKU are in stock. `tokens.fetch` attaches
 * the cached client-credentials token (RFC 6749 §4.4) and, on a 401 invalid_token, fetches a
 * fresh one and retries once.
 */
export function createInventoryClient(inventoryUrl: string, tokens: TokenClient) {
  return {
    async checkStock(sku: string): Promise<StockAnswer> {
      const url = new URL('/check-stock', inventoryUrl)
      url.searchParams.set('sku', sku)
      const response = await tokens.fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      })
      if (response.status === 404) return { kind: 'unknown-sku' }
      const body = (await response.json().catch(() => null)) as { available?: unknown } | null
      if (response.status !== 200 || typeof body?.available !== 'number')
        return { kind: 'refused', status: response.status }
      return { kind: 'available', available: body.available }
    },
  }
}
