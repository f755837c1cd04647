// In-process operations per second, run in a child pinned to the same core as the servers.
// Reads the issuer facts and tokens the orchestrator wrote; prints one JSON object.
import { readFileSync } from 'node:fs'
import { createHash, createPublicKey, verify } from 'node:crypto'
import { createServer } from 'node:http'
import { importJWK, jwtVerify } from 'jose'
import * as core from '@m2m-auth/core'
import { minimalVerifier } from './lib/minimal.mjs'
import { opsPerSecond as measure } from './lib/ops.mjs'
import { bearerHeader, flat, requestWith } from './lib/requests.mjs'

const { createAuthenticator } = core

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const { issuer, audience, durationMs } = input
/** Median ops/s over 3 runs of about `durationMs` each; `fn(i)` does op number i. */
const opsPerSecond = (fn, { isAsync = false } = {}) =>
  measure(fn, { durationMs, rounds: 3, isAsync })

const results = {}
for (const alg of ['RS256', 'ES256']) {
  const { jwk, hot, cold } = input.algs[alg]
  const keyObject = createPublicKey({ key: jwk, format: 'jwk' })
  const cryptoKey = await importJWK(jwk, alg)
  const parts = cold.map((t) => {
    const second = t.lastIndexOf('.')
    return {
      data: Buffer.from(t.slice(0, second)),
      signature: Buffer.from(t.slice(second + 1), 'base64url'),
    }
  })
  const nodeKey = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject
  const minimal = minimalVerifier({ [jwk.kid]: jwk }, { issuer, audience })
  const hotAuth = createAuthenticator({ bearer: { issuer, audience } })
  // Cold: the cache off, so every call is verified (see the cold workload's note).
  const coldAuth = createAuthenticator({ bearer: { issuer, audience }, cache: false })
  const hotHeader = bearerHeader(hot)
  const coldHeaders = cold.map(bearerHeader)
  await hotAuth.authenticate(requestWith(hotHeader))
  await coldAuth.authenticate(requestWith(coldHeaders[0]))

  const n = cold.length
  results[alg] = {
    cryptoVerify: await opsPerSecond((i) => {
      const p = parts[i % n]
      if (!verify('sha256', p.data, nodeKey, p.signature)) throw new Error('bad signature')
    }),
    minimalJwt: await opsPerSecond((i) => minimal(cold[i % n])),
    joseJwtVerify: await opsPerSecond(
      (i) => jwtVerify(cold[i % n], cryptoKey, { issuer, audience }),
      { isAsync: true },
    ),
    oursCold: await opsPerSecond((i) => coldAuth.authenticate(requestWith(coldHeaders[i % n])), {
      isAsync: true,
    }),
    oursColdNow: await opsPerSecond((i) =>
      coldAuth.authenticateNow(requestWith(coldHeaders[i % n])),
    ),
    oursHot: await opsPerSecond(() => hotAuth.authenticate(requestWith(hotHeader)), {
      isAsync: true,
    }),
    oursHotNow: await opsPerSecond(() => hotAuth.authenticateNow(requestWith(hotHeader))),
  }
}
results.extra = [...(await basicTill()), ...(await outboundToken())]
process.stdout.write(JSON.stringify(results) + '\n')

/**
 * A POS till on HTTP Basic (RFC 7617) against the same authenticator shape, next to the
 * bearer hot path measured the same way. Skipped when this core has no Basic support.
 */
async function basicTill() {
  if (typeof core.memoryTillStore !== 'function' || typeof core.hashTillSecret !== 'function')
    return []
  const md5hex = createHash('md5').update('till password', 'utf8').digest('hex')
  const tills = core.memoryTillStore([
    {
      tillId: 'T-1',
      secret: await core.hashTillSecret(md5hex),
      scopes: ['stock.read'],
      store: 'S-1',
    },
  ])
  const token = input.algs.RS256.hot
  const both = createAuthenticator({ bearer: { issuer, audience }, basic: { tills } })
  const basicHeader = flat(`Basic ${Buffer.from(`T-1:${md5hex}`).toString('base64')}`)
  const tokenHeader = bearerHeader(token)
  await both.authenticate(requestWith(basicHeader))
  await both.authenticate(requestWith(tokenHeader))
  // authenticateNow(), what the adapters call: both answers are synchronous on a hit.
  const bearerOps = await opsPerSecond(() => both.authenticateNow(requestWith(tokenHeader)))
  const basicOps = await opsPerSecond(() => both.authenticateNow(requestWith(basicHeader)))
  return [
    {
      key: 'bearerHotWithBasic',
      label: 'm2m-auth `authenticateNow()` hot, bearer (Basic also enabled)',
      ops: bearerOps,
    },
    {
      key: 'basicHot',
      label: 'm2m-auth `authenticateNow()` hot, Basic till (verified before)',
      ops: basicOps,
    },
  ]
}

/** The outbound client's `getToken()` once a token is cached, against a loopback token endpoint. */
async function outboundToken() {
  if (typeof core.createTokenClient !== 'function') return []
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(
      JSON.stringify({
        access_token: input.algs.RS256.hot,
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    )
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = core.createTokenClient({
    tokenEndpoint: `http://127.0.0.1:${server.address().port}/token`,
    clientId: 'bench-client',
    clientSecret: 'bench-client-secret-0123456789abcdef',
  })
  await client.getToken()
  const ops = await opsPerSecond(() => client.getToken(), { isAsync: true })
  await new Promise((resolve) => server.close(resolve))
  return [{ key: 'getTokenCached', label: 'outbound `getToken()` from cache', ops }]
}
