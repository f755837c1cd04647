// The hot paths with and without a Redis store, timed back to back: a reused token, a reused
// till and a cached outbound token must touch no Redis, so the store should cost nothing there.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { createClient } from 'redis'
import {
  createAuthenticator,
  createTokenClient,
  hashTillSecret,
  memoryTillStore,
} from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { pairedOps } from './ops.mjs'
import { commandCounts, storeCommandsIn } from './redis.mjs'
import { bearerHeader, flat, requestWith } from './requests.mjs'

export const PEPPER = 'bench pepper: 32 bytes or so, ok'

/**
 * `{ bearer, basic, getToken }`, each `{ without, with, ratio, ratioRange, redisCommands }`:
 * ops/s of the same operation on an instance without a store and one with `redisStore`, and
 * the store commands Redis processed while both were timed (0 is the claim under test).
 */
export async function hotRows({ issuer, audience, token, redisUrl, admin, timing }) {
  const client = await createClient({ url: redisUrl })
    .on('error', () => {})
    .connect()
  const store = redisStore(client, { prefix: 'bench-hot:' })
  try {
    return {
      bearer: await bearerRow({ issuer, audience, token, store, admin, timing }),
      basic: await basicRow({ issuer, audience, store, admin, timing }),
      getToken: await getTokenRow({ token, store, admin, timing }),
    }
  } finally {
    await client.close()
  }
}

async function compare(admin, without, withStore, timing) {
  const before = storeCommandsIn(await commandCounts(admin))
  const result = await pairedOps(without, withStore, timing)
  const redisCommands = storeCommandsIn(await commandCounts(admin)) - before
  return {
    without: result.a,
    with: result.b,
    ratio: result.ratio,
    ratioRange: result.ratioRange,
    redisCommands,
  }
}

async function bearerRow({ issuer, audience, token, store, admin, timing }) {
  const plain = createAuthenticator({ bearer: { issuer, audience } })
  const shared = createAuthenticator({ bearer: { issuer, audience }, store })
  const header = bearerHeader(token)
  await plain.authenticate(requestWith(header))
  await shared.authenticate(requestWith(header))
  return compare(
    admin,
    () => plain.authenticateNow(requestWith(header)),
    () => shared.authenticateNow(requestWith(header)),
    timing,
  )
}

async function basicRow({ issuer, audience, store, admin, timing }) {
  const md5hex = createHash('md5').update('till password', 'utf8').digest('hex')
  const secret = await hashTillSecret(md5hex, { pepper: PEPPER })
  const records = [{ tillId: 'T-1', secret, scopes: ['stock.read'], store: 'S-1' }]
  const basic = () => ({ tills: memoryTillStore(records), pepper: PEPPER })
  const plain = createAuthenticator({ bearer: { issuer, audience }, basic: basic() })
  const shared = createAuthenticator({ bearer: { issuer, audience }, basic: basic(), store })
  const header = flat(`Basic ${Buffer.from(`T-1:${md5hex}`).toString('base64')}`)
  await plain.authenticate(requestWith(header))
  await shared.authenticate(requestWith(header))
  return compare(
    admin,
    () => plain.authenticateNow(requestWith(header)),
    () => shared.authenticateNow(requestWith(header)),
    timing,
  )
}

async function getTokenRow({ token, store, admin, timing }) {
  let tokenRequests = 0
  const server = createServer((_req, res) => {
    tokenRequests++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const options = {
      tokenEndpoint: `http://127.0.0.1:${server.address().port}/token`,
      clientId: 'bench-client',
      clientSecret: 'bench-client-secret-0123456789abcdef',
    }
    const plain = createTokenClient(options)
    const shared = createTokenClient({ ...options, store })
    await plain.getToken()
    await shared.getToken()
    const row = await compare(
      admin,
      () => plain.getToken(),
      () => shared.getToken(),
      {
        ...timing,
        isAsync: true,
      },
    )
    return { ...row, tokenRequests }
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}
