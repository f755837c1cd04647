import { afterEach, describe, expect, it } from 'vitest'
import { createTokenClient, type FetchLike, type TokenClientHooks } from '@m2m-auth/core'
import { eventually, testClock, type TestClock } from './clock.js'
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js'

const SECRET = 'loopback-secret-0123456789abcdef'
let idp: LoopbackServer | undefined
afterEach(() => idp?.close())

/**
 * An issuer that caches tokens per client (as some do): it hands back the token it issued
 * until `reissueBeforeS` before expiry, with `expires_in` counting down. It runs on the
 * same hand-driven clock as the client.
 */
async function cachingIssuer(clock: TestClock, lifetimeS: number, reissueBeforeS: number) {
  const issued: Array<{ token: string; expiresAt: number }> = []
  idp = await startLoopbackServer(() => {
    let current = issued.at(-1)
    if (current === undefined || clock.now() >= current.expiresAt - reissueBeforeS * 1000) {
      current = { token: `token-${issued.length + 1}`, expiresAt: clock.now() + lifetimeS * 1000 }
      issued.push(current)
    }
    const left = Math.floor((current.expiresAt - clock.now()) / 1000)
    return { json: { access_token: current.token, token_type: 'Bearer', expires_in: left } }
  })
  return { server: idp, issued }
}

/**
 * Lets the simulated clock move only when no token request is in flight: requests are
 * counted as they start (through the fetch seam) and as they end (through the hooks).
 */
function quiescence() {
  let started = 0
  let settled = 0
  const hooks: TokenClientHooks = {
    tokenFetched: () => settled++,
    refreshFailed: () => settled++,
    requestFailed: () => settled++,
  }
  const fetch: FetchLike = (input, init) => {
    started++
    return globalThis.fetch(input, init)
  }
  return {
    hooks,
    fetch,
    async settle(): Promise<void> {
      await new Promise((resolve) => setImmediate(resolve)) // let a refresh just kicked off start
      await eventually(() => settled === started)
    },
  }
}

describe('refresh ahead', () => {
  it('tolerates an issuer that returns the same token until shortly before expiry', async () => {
    const clock = testClock()
    const { server, issued } = await cachingIssuer(clock, 300, 10)
    const { hooks, fetch, settle } = quiescence()
    const client = createTokenClient({
      tokenEndpoint: `${server.url}/token`,
      clientId: 'c',
      clientSecret: SECRET,
      now: clock.now,
      hooks,
      fetch,
      retry: { retries: 0 },
    })
    // Ten simulated minutes, one call per simulated second.
    for (let second = 0; second < 600; second++) {
      const token = await client.getToken()
      const record = issued.find((i) => i.token === token)!
      expect(clock.now()).toBeLessThan(record.expiresAt) // never an expired token
      await settle()
      clock.advance(1_000)
    }
    expect(issued.map((i) => i.token)).toEqual(['token-1', 'token-2', 'token-3'])
    // Per 300 s token: one request at issue, then re-checks halving the remaining time
    // between the normal refresh point (~240 s) and the issuer's reissue point (290 s),
    // about 5 per token (11 measured); a refresh loop would make hundreds.
    expect(server.requests.length).toBeLessThanOrEqual(12)
  })

  it('uses a very short-lived token for half its life instead of refreshing on every call', async () => {
    const clock = testClock()
    idp = await startLoopbackServer(() => ({
      json: { access_token: `t-${Math.random()}`, token_type: 'Bearer', expires_in: 4 },
    }))
    const { hooks, fetch, settle } = quiescence()
    const client = createTokenClient({
      tokenEndpoint: `${idp.url}/token`,
      clientId: 'c',
      clientSecret: SECRET,
      now: clock.now,
      hooks,
      fetch,
    })
    for (let step = 0; step < 40; step++) {
      await client.getToken()
      await settle()
      clock.advance(100)
    }
    // 4 s simulated; the lead is capped at half the lifetime (2 s): about two refreshes.
    expect(idp.requests.length).toBeGreaterThanOrEqual(2)
    expect(idp.requests.length).toBeLessThanOrEqual(3)
  })
})
