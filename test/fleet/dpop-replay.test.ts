import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DPOP_RESOURCE, startDpopIssuer, type DpopIssuer } from '../support/dpop-issuer.js'
import { createProofKey, signProof, type ProofKey } from '../support/dpop-proofs.js'
import { findLeak } from '../support/leaks.js'
import { startRedis, type RedisServer } from '../support/redis.js'
import { startReplicas, type Replicas } from '../support/replicas.js'
import { get, MAX_FAILURES, writeTillsFile, type Reply } from './fleet-fixture.js'

// Two real service processes over one real redis-server, checking DPoP proofs (RFC 9449) for
// tokens the real oidc-provider bound to the caller's key. Every replica answers for one public
// origin (`publicUrl`), as behind a load balancer, so one proof's `htu` fits both.
const PUBLIC_URL = 'https://calendar.example.test'
const PATH = '/whoami'
// Unused by these tests (no outbound token, no opaque token) but required by every replica.
const UNUSED_CLIENT = { id: 'unused', secret: 'unused-secret-0123456789abcdef0123' }

let issuer: DpopIssuer
let redis: RedisServer
let fleet: Replicas
let dir: string
let key: ProofKey
let token: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm2m-auth-dpop-fleet-'))
  key = await createProofKey()
  ;[issuer, redis] = await Promise.all([startDpopIssuer(), startRedis()])
  token = (await issuer.token(key)).accessToken
  fleet = await startReplicas(2, {
    ISSUER: issuer.issuer,
    AUDIENCE: DPOP_RESOURCE,
    OUTBOUND_CLIENT_ID: UNUSED_CLIENT.id,
    OUTBOUND_CLIENT_SECRET: UNUSED_CLIENT.secret,
    OUTBOUND_SCOPE: 'event.view',
    INTROSPECTION_CLIENT_ID: UNUSED_CLIENT.id,
    INTROSPECTION_CLIENT_SECRET: UNUSED_CLIENT.secret,
    REDIS_URL: redis.url,
    KEY_PREFIX: 'dpop-fleet:',
    TILLS_FILE: await writeTillsFile(dir),
    LOCKOUT_MAX_FAILURES: String(MAX_FAILURES),
    DPOP: '1',
    PUBLIC_URL,
  })
})
afterEach(() => {
  const log = fleet.diagnostics()
  expect(fleet.problems(), log).toEqual([])
  expect(findLeak(log, [token]), 'a replica logged a token').toBeUndefined()
})
afterAll(async () => {
  await fleet?.close()
  await Promise.all([issuer?.close(), redis?.close()])
  await rm(dir, { recursive: true, force: true })
})

/** Sends the bound token with one fresh proof to each replica URL given, in order. */
async function sendOneProof(urls: readonly string[]): Promise<Reply[]> {
  const proof = await signProof(key, { htm: 'GET', htu: `${PUBLIC_URL}${PATH}`, token })
  const headers = { authorization: `DPoP ${token}`, dpop: proof }
  const replies: Reply[] = []
  for (const url of urls) replies.push(await get(`${url}${PATH}`, headers))
  return replies
}

const challengeOf = (reply: Reply): string => reply.headers.get('www-authenticate') ?? ''

describe('DPoP replay across two replicas sharing one redis-server', () => {
  it('refuses at replica B a proof replica A already accepted (401 invalid_dpop_proof)', async () => {
    const [a, b] = fleet.urls
    const [atA, atB] = await sendOneProof([a!, b!])
    expect(atA!.status).toBe(200)
    expect(atA!.body).toEqual({ clientId: 'task-service' })
    expect(atB!.status).toBe(401)
    expect(atB!.body).toMatchObject({ error: 'invalid_dpop_proof' })
    expect(challengeOf(atB!)).toMatch(/\bDPoP realm="api", error="invalid_dpop_proof"/)
  })

  it('(control) accepts a fresh proof at each replica', async () => {
    for (const url of fleet.urls) {
      const [reply] = await sendOneProof([url])
      expect(reply!.status).toBe(200)
    }
  })

  it('with Redis killed, each replica still refuses its own replays', async () => {
    await redis.kill()
    for (const url of fleet.urls) {
      const [first, again] = await sendOneProof([url, url])
      expect(first!.status).toBe(200)
      expect(again!.status).toBe(401)
      expect(challengeOf(again!)).toMatch(/\bDPoP realm="api", error="invalid_dpop_proof"/)
    }
    // Each replica checked those proofs in its in-process fallback, not in Redis.
    expect(fleet.diagnostics().match(/store unavailable \(setIfAbsent\)/g)).toHaveLength(2)
  })
})
