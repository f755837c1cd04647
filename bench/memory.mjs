// Heap after many distinct tokens through authenticate() with the default cache.
// Run with --expose-gc. Mints ES256 tokens on the fly (cheap to sign) and keeps none.
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import { createAuthenticator } from '@m2m-auth/core'

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
process.stdout.write(
  JSON.stringify({ baselineMiB: baseline, samples, tokenLength: (await mint()).length }) + '\n',
)
