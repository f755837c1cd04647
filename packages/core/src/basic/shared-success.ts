import { createHash, createHmac, hkdfSync } from 'node:crypto'
import type { Store } from '../store/types.js'
import type { TillRecord } from './till-store.js'

/**
 * Successful till checks remembered fleet-wide, so a till costs one scrypt per cache period for
 * the whole fleet rather than per replica. The store holds only an HMAC of (till id, presented
 * MD5 hex, stored secret) under a key derived from the server-side pepper: never the credential,
 * and nothing that lets someone holding Redis and the till store test guesses faster than
 * scrypt, because the pepper is in neither. Binding the stored secret means a re-keyed till
 * misses at once; `disabled` and `migrated` are still checked on the local record every time.
 */
export interface SharedSuccess {
  /** Asked for unknown tills too (`record` undefined), so timing says nothing of existence. */
  has(tillId: string, record: TillRecord | undefined, presented: string): Promise<boolean>
  remember(record: TillRecord, presented: string): Promise<void>
}

export function createSharedSuccess(
  store: Store,
  pepper: Uint8Array,
  ttlMs: number,
): SharedSuccess {
  const key = Buffer.from(hkdfSync('sha256', pepper, 'm2m-auth till cache', 'hmac-sha256', 32))
  const keyOf = (tillId: string, secret: string, presented: string): string => {
    const tag = createHash('sha256').update(tillId).digest('base64url').slice(0, 22)
    const mac = createHmac('sha256', key)
      .update(`${tillId.length}:${tillId}:${presented.toLowerCase()}:${secret}`)
      .digest('base64url')
    return `till:{${tag}}:ok:${mac}`
  }
  return {
    has: async (tillId, record, presented) =>
      (await store.get(keyOf(tillId, record?.secret ?? '', presented))) === '1' &&
      record !== undefined,
    remember: (record, presented) =>
      store.set(keyOf(record.tillId, record.secret, presented), '1', ttlMs),
  }
}
