// Heap after many distinct tokens through authenticate() with the default cache.
// Run with --expose-gc. Mints ES256 tokens on the fly (cheap to sign) and keeps none.
import { readFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'
import { randomUUID } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import { createAuthenticator } from '@m2m-auth/core'
import { bearerHeader, requestWith } from './lib/requests.mjs'

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const { issuer, audience, memoryTokens } = input
const { privateJwk, kid } = input.memory
const privateKey = await importJWK(privateJwk, 'ES256')
const authenticator = createAuthenticator({ bearer: { issuer, audience } })

const mint = () =>
  new SignJWT({ scope: 'event.create event.view', client_id: 'bench-client', jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject('bench-client')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey)

const heapMiB = () => {
  globalThis.gc()
  return process.memoryUsage().heapUsed / 2 ** 20
}

// Warm up (discovery, JWKS, JIT) before the baseline.
await authenticator.authenticate({ authorization: `Bearer ${await mint()}` })
const baseline = heapMiB()
const samples = []
for (let i = 1; i <= memoryTokens; i++) {
  await authenticator.authenticate({ authorization: `Bearer ${await mint()}` })
  if (i % (memoryTokens / 10) === 0)
    samples.push({ tokens: i, heapGrowthMiB: heapMiB() - baseline })
}

/**
 * Bytes the young generation grew by per call, averaged over `calls` (few enough that no
 * scavenge runs in between; a negative figure would mean one did, and is reported as such).
 * The request object is made once: a server allocates it, not us.
 */
const newSpaceUsed = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_used_size
function bytesPerCall(fn, calls) {
  for (let i = 0; i < calls; i++) fn(i) // warm-up: JIT, inline caches
  globalThis.gc()
  const before = newSpaceUsed()
  for (let i = 0; i < calls; i++) fn(i)
  return (newSpaceUsed() - before) / calls
}
const hot = requestWith(bearerHeader(await mint()))
await authenticator.authenticate(hot)
const fresh = await Promise.all(Array.from({ length: 400 }, mint))
const coldRequests = fresh.map((token) => requestWith(bearerHeader(token)))
const uncached = createAuthenticator({ bearer: { issuer, audience }, cache: false })
await uncached.authenticate(coldRequests[0])
const allocation = {
  hot: bytesPerCall(() => authenticator.authenticateNow(hot), 2_000),
  cold: bytesPerCall((i) => uncached.authenticateNow(coldRequests[i]), 200),
}

process.stdout.write(
  JSON.stringify({
    baselineMiB: baseline,
    samples,
    tokenLength: (await mint()).length,
    allocation,
  }) + '\n',
)
