import { createHash } from 'node:crypto'
import { hashTillSecret, type TillRecord } from '@m2m-auth/core'
import { DEFAULT_CLIENTS, DEFAULT_RESOURCE, type TestClient, type TestIssuer } from './issuer.js'

export const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')

/** `Authorization: Basic …` for a till id and password, exactly as RFC 7617 §2 builds it. */
export const basicAuth = (tillId: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${tillId}:${password}`, 'utf8').toString('base64')}`,
})

/** Each till's plaintext password; the till sends its MD5 hex. */
export const PASSWORDS: Record<string, string> = {
  'T-100': 'till 100 password',
  'T-101': 'till 101 password',
  'T-102': 'till 102 password',
  'T-103': 'till 103 password',
  'T-WEAK': 'legacy till password',
  'T-NOSCOPE': 'price till password',
  'T-DISABLED': 'disabled till password',
  'T-MIGRATED': 'migrated till password',
  'T-LOCK': 'lockout till password',
}

/** Cheap scrypt for tests; production uses the default ln=15. */
export const TEST_COST = { ln: 10, r: 8, p: 1 }

export async function testTills(): Promise<TillRecord[]> {
  const hashed = async (id: string): Promise<string> =>
    hashTillSecret(md5(PASSWORDS[id]!), { cost: TEST_COST })
  const stock = ['stock.read']
  return [
    { tillId: 'T-100', secret: await hashed('T-100'), scopes: stock, store: 'S-1' },
    { tillId: 'T-101', secret: await hashed('T-101'), scopes: stock, store: 'S-1' },
    { tillId: 'T-102', secret: await hashed('T-102'), scopes: stock, store: 'S-1' },
    { tillId: 'T-103', secret: await hashed('T-103'), scopes: stock, store: 'S-1' },
    { tillId: 'T-WEAK', secret: `md5:${md5(PASSWORDS['T-WEAK']!)}`, scopes: stock },
    { tillId: 'T-NOSCOPE', secret: await hashed('T-NOSCOPE'), scopes: ['price.read'] },
    {
      tillId: 'T-DISABLED',
      secret: await hashed('T-DISABLED'),
      scopes: stock,
      store: 'S-1',
      disabled: true,
    },
    {
      tillId: 'T-MIGRATED',
      secret: await hashed('T-MIGRATED'),
      scopes: stock,
      store: 'S-2',
      migrated: true,
    },
    { tillId: 'T-LOCK', secret: await hashed('T-LOCK'), scopes: stock, store: 'S-3' },
  ]
}

/** OAuth clients of the POS world: a gateway acting for many tills, and a plain reader. */
export const POS_CLIENTS: TestClient[] = [
  ...DEFAULT_CLIENTS,
  {
    client_id: 'pos-gateway',
    client_secret: 'pos-gateway-secret-0123456789abcdef',
    scope: 'stock.read pos.attribute',
  },
  {
    client_id: 'stock-reader',
    client_secret: 'stock-reader-secret-0123456789abcdef',
    scope: 'stock.read',
  },
]

export const POS_RESOURCES = {
  [DEFAULT_RESOURCE]: 'event.create event.view stock.read pos.attribute',
}

export interface PosTokens {
  /** Real client-credentials token with stock.read and pos.attribute. */
  gateway: string
  /** Real client-credentials token with stock.read only. */
  reader: string
  /** A migrated till's own token: till claims, signed by the issuer's key. */
  migratedTill: string
}

export async function mintPosTokens(issuer: TestIssuer): Promise<PosTokens> {
  const now = Math.floor(Date.now() / 1000)
  return {
    gateway: await issuer.token('pos-gateway', { scope: 'stock.read pos.attribute' }),
    reader: await issuer.token('stock-reader', { scope: 'stock.read' }),
    migratedTill: await issuer.sign({
      iss: issuer.issuer,
      aud: DEFAULT_RESOURCE,
      sub: 'till-T-MIGRATED',
      client_id: 'till-T-MIGRATED',
      scope: 'stock.read',
      till_id: 'T-MIGRATED',
      store_id: 'S-2',
      iat: now,
      exp: now + 300,
    }),
  }
}
