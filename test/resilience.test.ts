import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { createAuthenticator, type Authenticator } from '@m2m-auth/core'
import { rejection } from './support/assert.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from './support/issuer.js'
import { createTestKey } from './support/keys.js'

const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` })
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('resilience against the real issuer', () => {
  let issuer: TestIssuer
  beforeEach(async () => {
    issuer = await startIssuer()
  })
  afterEach(() => issuer.close())

  const authenticatorFor = (overrides: object = {}): Authenticator =>
    createAuthenticator({
      bearer: {
        issuer: issuer.issuer,
        audience: DEFAULT_RESOURCE,
        failureBackoffMs: 50,
        ...overrides,
      },
    })

  it('verifies a token signed with a rotated key without a restart', async () => {
    const auth = authenticatorFor({ jwksCooldownMs: 100 })
    const before = await issuer.token('task-service')
    await expect(auth.authenticate(bearer(before))).resolves.toMatchObject({
      subject: 'task-service',
    })

    const next = await issuer.rotateKeys()
    const after = await issuer.token('task-service')
    expect(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString())).toMatchObject({
      kid: next.kid,
    })
    await sleep(150) // past the unknown-kid cooldown
    await expect(auth.authenticate(bearer(after))).resolves.toMatchObject({
      subject: 'task-service',
    })
    await expect(auth.authenticate(bearer(before))).resolves.toMatchObject({
      subject: 'task-service',
    })
  })

  it('refetches the JWKS at most once per cooldown for random kids, and valid kids keep working', async () => {
    const auth = authenticatorFor({ jwksCooldownMs: 60_000 })
    const valid = await issuer.token('task-service')
    await auth.authenticate(bearer(valid))
    const fetchesAfterWarmUp = issuer.proxy.hitsFor('/jwks')
    const attacker = await createTestKey('RS256')

    for (let i = 0; i < 50; i++) {
      const forged = await new SignJWT({ sub: 'x', aud: DEFAULT_RESOURCE, iss: issuer.issuer })
        .setProtectedHeader({ alg: 'RS256', kid: `random-${i}` })
        .setExpirationTime('5m')
        .sign(attacker.privateKey)
      const error = await rejection(auth.authenticate(bearer(forged)))
      expect(error.status).toBe(401)
      expect(error.code).toBe('ERR_TOKEN_KEY_UNKNOWN')
    }
    // Warm-up fetched the set once; inside the cooldown, random kids cause no more than one refetch.
    expect(issuer.proxy.hitsFor('/jwks') - fetchesAfterWarmUp).toBeLessThanOrEqual(1)
    const fresh = await issuer.token('task-service')
    await expect(auth.authenticate(bearer(fresh))).resolves.toMatchObject({
      subject: 'task-service',
    })
  })

  it('keeps verifying with cached keys when the issuer goes down after warm-up', async () => {
    const auth = authenticatorFor()
    const warm = await issuer.token('task-service')
    const coldLater = await issuer.token('viewer', { scope: 'event.view' })
    await auth.authenticate(bearer(warm))

    issuer.proxy.mode = 'down'
    // The cached verification, and a token never seen before, both verify with the cached JWKS.
    await expect(auth.authenticate(bearer(warm))).resolves.toMatchObject({
      subject: 'task-service',
    })
    await expect(auth.authenticate(bearer(coldLater))).resolves.toMatchObject({ subject: 'viewer' })
  })

  it('answers 503 with Retry-After while the issuer is down at start, then recovers', async () => {
    const token = await issuer.token('task-service')
    issuer.proxy.mode = 'down'
    const auth = authenticatorFor()

    for (let i = 0; i < 3; i++) {
      const error = await rejection(auth.authenticate(bearer(token)))
      expect(error.status).toBe(503)
      expect(error.toJSON()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the token issuer is temporarily unavailable',
      })
      expect(Number(error.headers['Retry-After'])).toBeGreaterThan(0)
    }

    issuer.proxy.mode = 'up'
    await sleep(60) // the failure backoff
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({
      subject: 'task-service',
    })
  })

  it('does not hammer a down issuer: failures are remembered for the backoff', async () => {
    const token = await issuer.token('task-service')
    issuer.proxy.mode = 'down'
    const auth = authenticatorFor({ failureBackoffMs: 60_000 })
    const before = issuer.proxy.hitsFor('/.well-known/openid-configuration')
    await Promise.all(Array.from({ length: 20 }, () => rejection(auth.authenticate(bearer(token)))))
    await rejection(auth.authenticate(bearer(token)))
    // One discovery attempt (shared by the 20 concurrent requests), no retries inside the backoff.
    expect(issuer.proxy.hitsFor('/.well-known/openid-configuration') - before).toBe(1)
  })

  it('treats an issuer answering 5xx as unavailable, never as a bad token', async () => {
    const token = await issuer.token('task-service')
    issuer.proxy.mode = 'error'
    const error = await rejection(authenticatorFor().authenticate(bearer(token)))
    expect(error.status).toBe(503)
  })

  it('treats a hanging issuer as unavailable after the timeout', async () => {
    const token = await issuer.token('task-service')
    issuer.proxy.mode = 'hang'
    const error = await rejection(authenticatorFor({ timeoutMs: 200 }).authenticate(bearer(token)))
    expect(error.status).toBe(503)
  })
})
