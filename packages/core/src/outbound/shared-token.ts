import { createHash, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Store } from '../store/types.js'
import type { LeasePolicy } from './fleet-options.js'
import type { TokenCipher } from './token-cipher.js'
import type { AccessToken, FetchedToken } from './token-slot.js'

/** A token as it rests in the store, sealed; times are the client clock's (`Date.now` unless a test sets one). */
interface SharedEntry {
  readonly accessToken: string
  readonly tokenType: string
  readonly scope: string | undefined
  readonly expiresAt: number
  readonly refreshAt: number
  readonly usableUntil: number
}

export type FetchToken = () => Promise<FetchedToken>

/** Builds the token handed to callers (its headers depend on the client's preset). */
export type BuildToken = (
  token: Pick<SharedEntry, 'accessToken' | 'tokenType' | 'scope' | 'expiresAt'>,
) => AccessToken

/**
 * The cross-process single flight in front of the issuer, behind each replica's own cache and
 * single flight. A replica that needs a token reads the fleet's; if there is none, or it is due
 * for refresh, the replica that takes the lease (set-if-absent with expiry) asks the issuer and
 * stores the token sealed; the others wait briefly and read it. So the fleet asks once per
 * token, and refreshes ahead once. A leader that fails releases the lease, and the next one
 * tries; a follower that waited `waitMs` in vain asks the issuer itself (never worse than no
 * store). Returned tokens carry `attempts: 0` when they came from the fleet.
 */
export function sharedFetch(
  store: Store,
  cipher: TokenCipher,
  slotId: string,
  policy: LeasePolicy,
  now: () => number,
  build: BuildToken,
): (fetchFromIssuer: FetchToken, rejected?: string) => Promise<FetchedToken> {
  const tag = createHash('sha256').update(slotId).digest('base64url').slice(0, 22)
  const tokenKey = `token:{${tag}}`
  const leaseKey = `token:{${tag}}:lease`

  // The token an API just refused is no token at all, even while the fleet still holds it.
  const read = async (rejected: string | undefined): Promise<SharedEntry | undefined> => {
    const sealed = await store.get(tokenKey)
    const opened = sealed === undefined ? undefined : cipher.open(sealed, tokenKey)
    const entry = opened === undefined ? undefined : parseEntry(opened)
    if (entry === undefined || entry.accessToken === rejected) return undefined
    return now() < entry.usableUntil ? entry : undefined
  }

  const lead = async (
    owner: string,
    fetchFromIssuer: FetchToken,
    rejected: string | undefined,
  ): Promise<FetchedToken> => {
    try {
      // Another leader may have stored a fresh token between our read and our lease.
      const fresh = await read(rejected)
      if (fresh !== undefined && now() < fresh.refreshAt) return fetchedOf(fresh, build)
      const fetched = await fetchFromIssuer()
      const entry = entryOf(fetched)
      const ttl = entry === undefined ? 0 : entry.usableUntil - now()
      if (entry !== undefined && ttl > 0) {
        await store.set(tokenKey, cipher.seal(JSON.stringify(entry), tokenKey), ttl)
      }
      return fetched
    } finally {
      await store.deleteIfEquals(leaseKey, owner)
    }
  }

  return async (fetchFromIssuer, rejected) => {
    const seen = await read(rejected)
    if (seen !== undefined && now() < seen.refreshAt) return fetchedOf(seen, build)
    const deadline = Date.now() + policy.waitMs
    for (;;) {
      const owner = randomUUID()
      if (await store.setIfAbsent(leaseKey, owner, policy.leaseMs)) {
        return lead(owner, fetchFromIssuer, rejected)
      }
      // Another replica is asking the issuer: its answer will be here shortly.
      await sleep(policy.pollMs)
      const current = await read(rejected)
      if (current !== undefined && current.accessToken !== seen?.accessToken)
        return fetchedOf(current, build)
      if (Date.now() >= deadline) {
        return seen !== undefined ? fetchedOf(seen, build) : fetchFromIssuer()
      }
    }
  }
}

function entryOf(fetched: FetchedToken): SharedEntry | undefined {
  // `expires_in: 0` tokens are for one use: never shared.
  if (fetched.schedule === undefined) return undefined
  const { token, schedule } = fetched
  return {
    accessToken: token.accessToken,
    tokenType: token.tokenType,
    scope: token.scope,
    expiresAt: token.expiresAt.getTime(),
    refreshAt: schedule.refreshAt,
    usableUntil: schedule.usableUntil,
  }
}

/** A token from the fleet as this replica's slot takes it. */
function fetchedOf(entry: SharedEntry, build: BuildToken): FetchedToken {
  return {
    token: build(entry),
    schedule: { refreshAt: entry.refreshAt, usableUntil: entry.usableUntil },
    attempts: 0,
    durationMs: 0,
  }
}

function parseEntry(text: string): SharedEntry | undefined {
  try {
    const value = JSON.parse(text) as Partial<SharedEntry>
    const times = [value.expiresAt, value.refreshAt, value.usableUntil]
    if (typeof value.accessToken !== 'string' || typeof value.tokenType !== 'string')
      return undefined
    if (!times.every((t) => typeof t === 'number' && Number.isFinite(t))) return undefined
    return value as SharedEntry
  } catch {
    return undefined
  }
}
