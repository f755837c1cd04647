import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createAuthenticator, isAuthError, type AuthError, type Principal } from '../src/index.js'
import { createBearerVerifier } from '../src/bearer/verifier.js'
import { normalizeIssuer } from '../src/bearer/options.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../../../test/support/issuer.js'

const nowS = (): number => Math.floor(Date.now() / 1000)

let issuer: TestIssuer

beforeAll(async () => {
  issuer = await startIssuer()
})

afterAll(async () => {
  await issuer.close()
})

afterEach(() => {
  issuer.proxy.mode = 'up'
  vi.useRealTimers()
})

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: issuer.issuer,
  aud: DEFAULT_RESOURCE,
  sub: 'task-service',
  client_id: 'task-service',
  scope: 'event.view',
  iat: nowS(),
  exp: nowS() + 300,
  ...extra,
})

function authenticatorFor(extra: Record<string, unknown> = {}) {
  return createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE, clockTolerance: 0, ...extra },
  })
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isAuthError(error)) throw new Error(`expected an AuthError, got ${String(error)}`)
  return error
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('verified-token cache', () => {
  it('serves a repeat token from the cache: same principal, no issuer contact', async () => {
    const auth = authenticatorFor()
    const token = await issuer.token('task-service', { scope: 'event.view' })
    const first = await auth.authenticate(bearer(token))
    issuer.proxy.mode = 'down'
    const second = await auth.authenticate(bearer(token))
    expect(second).toBe(first)
  })

  it('checks exp on every hit: a cached token is refused once it expires', async () => {
    const auth = authenticatorFor()
    const token = await issuer.sign(claims({ exp: nowS() + 60 }))
    const principal = await auth.authenticate(bearer(token))
    expect(principal).toMatchObject({ subject: 'task-service' })
    // Served from the cache, and remembered as the last hit: that path checks exp too.
    expect(await auth.authenticate(bearer(token))).toBe(principal)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 61_000)
    const error = await rejection(auth.authenticate(bearer(token)))
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_EXPIRED')
  })

  it('answers each of two callers with its own principal, however their cached tokens alternate', async () => {
    const auth = authenticatorFor()
    const one = await issuer.sign(claims({ sub: 'one', exp: nowS() + 60 }))
    const two = await issuer.sign(claims({ sub: 'two' }))
    const first = await auth.authenticate(bearer(one))
    const second = await auth.authenticate(bearer(two))
    // Each request's header is a new string, equal by value; a refusal comes in between.
    const again = (token: string) => auth.authenticateNow(bearer(token))
    for (const token of [one, two, one, one, two, two, one]) {
      expect(again(token)).toBe(token === one ? first : second)
      const at = token.lastIndexOf('.') + 10 // inside the signature: another signature
      const other = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`
      expect(() => auth.authenticateNow(bearer(other))).toThrow()
    }
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] })
    expect(again(two)).toBe(second)
    expect(catchSync(() => again(one)).code).toBe('ERR_TOKEN_EXPIRED')
  })

  it('never gives a cached principal to a different token that reuses its signature', async () => {
    const auth = authenticatorFor()
    const token = await issuer.sign(claims())
    await auth.authenticate(bearer(token))
    const [header, , signature] = token.split('.')
    const payload = Buffer.from(JSON.stringify(claims({ scope: 'event.view event.create' })))
    const forged = `${header}.${payload.toString('base64url')}.${signature}`
    const error = await rejection(auth.authenticate(bearer(forged)))
    expect(error.code).toBe('ERR_TOKEN_SIGNATURE')
    // Same last characters, another signature: still its own verification.
    const mangled = `${token.slice(0, token.lastIndexOf('.') + 3)}${token[token.lastIndexOf('.') + 3] === 'A' ? 'B' : 'A'}${token.slice(token.lastIndexOf('.') + 4)}`
    expect((await rejection(auth.authenticate(bearer(mangled)))).code).toBe('ERR_TOKEN_SIGNATURE')
  })

  it('drops a cached token once its signing key leaves the JWKS', async () => {
    const auth = authenticatorFor({ jwksCooldownMs: 0 })
    const old = await issuer.sign(claims())
    await auth.authenticate(bearer(old))
    await auth.authenticate(bearer(old)) // a cache hit: now the last one served, checked first
    await issuer.rotateKeys({ dropOld: true })
    // A token with the new kid makes the verifier refetch the JWKS, which no longer has the old key.
    await auth.authenticate(bearer(await issuer.sign(claims())))
    const error = await rejection(auth.authenticate(bearer(old)))
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_KEY_UNKNOWN')
  })

  it('prefetch() fetches metadata and keys up front: the first token is answered now, issuer down or not', async () => {
    const auth = authenticatorFor()
    await auth.prefetch()
    const discoveries = issuer.proxy.hitsFor('/.well-known/openid-configuration')
    issuer.proxy.mode = 'down'
    const token = await issuer.sign(claims())
    const principal = auth.authenticateNow(bearer(token))
    expect(principal).not.toBeInstanceOf(Promise)
    expect(principal).toMatchObject({ scheme: 'bearer', subject: 'task-service' })
    expect(issuer.proxy.hitsFor('/.well-known/openid-configuration')).toBe(discoveries)
  })

  it('prefetch() rejects with a 503 while the issuer is down, and the authenticator recovers lazily', async () => {
    const auth = authenticatorFor({ failureBackoffMs: 50 })
    issuer.proxy.mode = 'down'
    const error = await rejection(auth.prefetch())
    expect([error.status, error.code]).toEqual([503, 'ERR_ISSUER_UNAVAILABLE'])
    // Names the issuer (public: every token's `iss`), nothing of what failed (that is in cause).
    expect(error.toJSON()).toEqual({
      error: 'temporarily_unavailable',
      error_description: `the token issuer ${issuer.issuer} is temporarily unavailable`,
    })
    issuer.proxy.mode = 'up'
    await new Promise((resolve) => setTimeout(resolve, 60))
    const token = await issuer.sign(claims())
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ scheme: 'bearer' })
  })

  it('does not let a transient issuer failure stick', async () => {
    const auth = authenticatorFor({ failureBackoffMs: 50 })
    const token = await issuer.sign(claims())
    issuer.proxy.mode = 'down'
    const error = await rejection(auth.authenticate(bearer(token)))
    expect(error.status).toBe(503)
    issuer.proxy.mode = 'up'
    await new Promise((resolve) => setTimeout(resolve, 60))
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ scheme: 'bearer' })
  })

  it('does not cache a refused token: it is verified, and refused, every time', async () => {
    const verifier = createBearerVerifier(
      [normalizeIssuer({ issuer: issuer.issuer, audience: 'https://not-this-api.test' }, 'bearer')],
      { maxTokenLength: 8192, cache: {} },
    )
    const token = await issuer.sign(claims())
    for (let i = 0; i < 2; i++) {
      const error = await rejection(verifier.verify(token))
      expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    }
    expect(verifier.cache.size).toBe(0)
  })

  it('stays within its entry and byte bounds however many distinct tokens arrive', async () => {
    const config = normalizeIssuer({ issuer: issuer.issuer, audience: DEFAULT_RESOURCE }, 'bearer')
    const byEntries = createBearerVerifier([config], {
      maxTokenLength: 8192,
      cache: { maxEntries: 20 },
    })
    const tokens = await Promise.all(
      Array.from({ length: 120 }, (_, i) => issuer.sign(claims({ jti: `t-${i}` }))),
    )
    for (const token of tokens) await byEntries.verify(token)
    expect(byEntries.cache.size).toBe(20)
    // 100 tokens evicted unread: the cache thrashes, and a one-shot token is no longer stored...
    expect(byEntries.isCached(tokens.at(-1)!)).toBe(false)
    // ...until it is seen a second time; the oldest are long gone.
    await byEntries.verify(tokens.at(-1)!)
    expect(byEntries.isCached(tokens.at(-1)!)).toBe(true)
    expect(byEntries.isCached(tokens[0]!)).toBe(false)

    const entryBytes = tokens[0]!.length * 3
    const byBytes = createBearerVerifier([config], {
      maxTokenLength: 8192,
      cache: { maxBytes: entryBytes * 10 + 5 },
    })
    for (const token of tokens) await byBytes.verify(token)
    expect(byBytes.cache.size).toBeLessThanOrEqual(10)
    expect(byBytes.cache.bytes).toBeLessThanOrEqual(entryBytes * 10 + 5)
  })

  it('still applies the whole request grammar to a cached token', async () => {
    const auth = authenticatorFor()
    const token = await issuer.sign(claims())
    await auth.authenticate(bearer(token))
    const twice = await rejection(
      auth.authenticate({ authorization: [`Bearer ${token}`, `Bearer ${token}`] }),
    )
    expect([twice.status, twice.code]).toEqual([400, 'ERR_REQUEST_MALFORMED'])
    const inQuery = await rejection(
      auth.authenticate({ ...bearer(token), url: '/events?access_token=x' }),
    )
    expect([inQuery.status, inQuery.code]).toEqual([400, 'ERR_REQUEST_MALFORMED'])
    const padded = await auth.authenticate({ authorization: `bearer   ${token}  ` })
    expect(padded.subject).toBe('task-service')
  })

  it('can be turned off: every request is verified again', async () => {
    const auth = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
      cache: false,
    })
    const token = await issuer.sign(claims())
    const first = await auth.authenticate(bearer(token))
    const second = await auth.authenticate(bearer(token))
    expect(second).not.toBe(first)
    expect(second).toEqual(first)
  })
})

describe('answers without a promise when it can: Authenticator.authenticateNow()', () => {
  it('waits on I/O only for the first key fetch; later tokens, fresh or reused, are answered now', async () => {
    const auth = authenticatorFor()
    const first = { authorization: `Bearer ${await issuer.sign(claims())}` }
    const pending = auth.authenticateNow(first)
    expect(pending).toBeInstanceOf(Promise) // discovery and JWKS are fetched on first use
    const principal = await pending
    expect(auth.authenticateNow(first)).toBe(principal) // reused: the cached principal, now
    const fresh = auth.authenticateNow({
      authorization: `Bearer ${await issuer.sign(claims({ sub: 'other' }))}`,
    })
    expect(fresh).not.toBeInstanceOf(Promise) // never seen, key known: verified now
    expect((fresh as Principal).subject).toBe('other')
    expect(auth.authenticateNow({}, { optional: true })).toBeUndefined()
  })

  it('throws the AuthError now when the answer is a refusal now, with the same challenge as authenticate()', async () => {
    const auth = authenticatorFor()
    const token = await issuer.sign(claims())
    await auth.authenticate({ authorization: `Bearer ${token}` })
    const refusals: [object, string][] = [
      [{}, 'ERR_CREDENTIALS_MISSING'],
      [{ authorization: ['Bearer a', 'Bearer b'] }, 'ERR_REQUEST_MALFORMED'],
      [{ authorization: 'Basic dDox' }, 'ERR_SCHEME_DISABLED'],
      [{ authorization: `Bearer ${token}x` }, 'ERR_TOKEN_SIGNATURE'],
      [{ authorization: `Bearer ${token}`, url: '/?access_token=x' }, 'ERR_REQUEST_MALFORMED'],
    ]
    for (const [request, code] of refusals) {
      const thrown = catchSync(() => auth.authenticateNow(request))
      expect(thrown.code).toBe(code)
      const rejected = await auth.authenticate(request).then(
        () => expect.unreachable(),
        (error: AuthError) => error,
      )
      expect(rejected.code).toBe(code)
      expect(thrown.headers).toEqual(rejected.headers)
    }
  })

  it('stops answering a cached token once it has expired', async () => {
    const auth = authenticatorFor()
    const token = await issuer.sign(claims({ exp: nowS() + 2 }))
    await auth.authenticate({ authorization: `Bearer ${token}` })
    expect(auth.authenticateNow({ authorization: `Bearer ${token}` })).toBeDefined()
    vi.useFakeTimers({ now: Date.now() + 3_000, toFake: ['Date'] })
    expect(catchSync(() => auth.authenticateNow({ authorization: `Bearer ${token}` })).code).toBe(
      'ERR_TOKEN_EXPIRED',
    )
  })
})

function catchSync(fn: () => unknown): AuthError {
  try {
    fn()
  } catch (error) {
    expect(isAuthError(error)).toBe(true)
    return error as AuthError
  }
  return expect.unreachable('expected a synchronous AuthError')
}
