import { createHash } from 'node:crypto'
import { hashTillSecret, memoryTillStore, type TillRecord, type TillStore } from '@m2m-auth/core'

/** A till's password; a till sends its MD5 hex as the Basic password (the legacy protocol). */
export const TILL_PASSWORDS = {
  'T-1': 'till one demo password',
  'T-2': 'till two demo password',
  'T-3': 'till three demo password',
} as const
export type TillId = keyof typeof TILL_PASSWORDS

/** The fleet: T-1 and T-2 still on Basic, T-3 already moved to OAuth (via the POS gateway). */
export const FLEET: readonly { tillId: TillId; store: string; migrated?: boolean }[] = [
  { tillId: 'T-1', store: 'S-1' },
  { tillId: 'T-2', store: 'S-1' },
  { tillId: 'T-3', store: 'S-2', migrated: true },
]

export const md5hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')

/** `Authorization: Basic …` as a till builds it (RFC 7617 §2). */
export function tillBasic(tillId: string, password: string): string {
  return `Basic ${Buffer.from(`${tillId}:${md5hex(password)}`, 'utf8').toString('base64')}`
}

/**
 * The till store, hashed with scrypt like `m2m-auth tills import` does. The cost is lowered so
 * the demo starts fast; a real store keeps the default (ln=15).
 */
export async function demoTillStore(): Promise<TillStore> {
  const records: TillRecord[] = await Promise.all(
    FLEET.map(async ({ tillId, store, migrated }) => ({
      tillId,
      store,
      scopes: ['stock.read'],
      secret: await hashTillSecret(md5hex(TILL_PASSWORDS[tillId]), { cost: { ln: 10 } }),
      ...(migrated ? { migrated } : {}),
    })),
  )
  return memoryTillStore(records)
}
