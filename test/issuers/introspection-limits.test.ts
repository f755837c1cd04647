import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  type AuthError,
  type BearerIssuerOptions,
  type IntrospectionOptions,
} from '@m2m-auth/core'
import { startIntrospectionEndpoint, type IntrospectionEndpoint } from './introspection-endpoint.js'

const AUDIENCE = 'https://calendar.example.test'
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

interface Outcome {
  status: number
  headers: Readonly<Record<string, string>>
}

/** Every request's outcome, without letting one rejection fail the batch. */
const settle = (promises: Array<Promise<unknown>>): Promise<Outcome[]> =>
  Promise.all(
    promises.map((p) =>
      p.then(
        (): Outcome => ({ status: 200, headers: {} }),
        (error: AuthError): Outcome => ({ status: error.status, headers: error.headers }),
      ),
    ),
  )

const distinctTokens = (count: number) =>
  Array.from({ length: count }, (_, i) => `made-up-${i}-Cb8VXVq2FrRvqx97lCV1K8UfnfCxUEO`)

describe('introspection limits (loopback RFC 7662 endpoint)', () => {
  let endpoint: IntrospectionEndpoint

  beforeEach(async () => {
    endpoint = await startIntrospectionEndpoint()
  })
  afterEach(() => endpoint.close())

  const authenticatorWith = (
    introspection: Partial<IntrospectionOptions> = {},
    extra: Partial<BearerIssuerOptions> = {},
  ) =>
    createAuthenticator({
      bearer: {
        issuer: endpoint.issuer,
        audience: AUDIENCE,
        introspection: {
          endpoint: endpoint.url,
          clientId: 'calendar-api',
          clientSecret: 'calendar-api-secret-0123456789abcd',
          ...introspection,
        },
        ...extra,
      },
    })

  /** Sends each token once, all at once, while the endpoint holds its answers. */
  const flood = async (
    authenticator: ReturnType<typeof authenticatorWith>,
    tokens: string[],
    expectHeld: number,
  ) => {
    endpoint.hold = true
    const outcomes = settle(tokens.map((t) => authenticator.authenticate(bearer(t))))
    await endpoint.heldAtLeast(expectHeld)
    endpoint.hold = false
    endpoint.release()
    return outcomes
  }

  it('never has more distinct-token calls in flight than maxConcurrent; the queue overflow gets 503 Retry-After', async () => {
    const authenticator = authenticatorWith({ maxConcurrent: 4, maxQueued: 8 })
    const outcomes = await flood(authenticator, distinctTokens(40), 4)
    expect(endpoint.maxInFlight).toBe(4)
    // 4 in flight and 8 queued were answered by the issuer; the other 28 never reached it.
    expect(endpoint.requests).toHaveLength(12)
    expect(outcomes.filter((o) => o.status === 401)).toHaveLength(12)
    const overflow = outcomes.filter((o) => o.status === 503)
    expect(overflow).toHaveLength(28)
    for (const o of overflow) expect(o.headers['Retry-After']).toBe('1')
  })

  it('defaults to 16 calls in flight and 64 waiting per issuer', async () => {
    const outcomes = await flood(authenticatorWith(), distinctTokens(100), 16)
    expect(endpoint.maxInFlight).toBe(16)
    expect(endpoint.requests).toHaveLength(80)
    expect(outcomes.filter((o) => o.status === 503)).toHaveLength(20)
  })

  it('with maxQueued: 0, a distinct token beyond the cap is answered 503 at once', async () => {
    const outcomes = await flood(
      authenticatorWith({ maxConcurrent: 2, maxQueued: 0 }),
      distinctTokens(5),
      2,
    )
    expect(endpoint.maxInFlight).toBe(2)
    expect(outcomes.map((o) => o.status)).toEqual([401, 401, 503, 503, 503])
  })

  it('a token waiting in the queue is answered once a call slot frees up', async () => {
    endpoint.answer = () => ({ body: { active: true, sub: 'task-service', aud: AUDIENCE } })
    const outcomes = await flood(
      authenticatorWith({ maxConcurrent: 1, maxQueued: 3 }),
      distinctTokens(4),
      1,
    )
    expect(outcomes.map((o) => o.status)).toEqual([200, 200, 200, 200])
    expect(endpoint.maxInFlight).toBe(1)
  })

  it('accepts an active result whose aud names this audience', async () => {
    endpoint.answer = () => ({ body: { active: true, sub: 'task-service', aud: [AUDIENCE] } })
    const principal = await authenticatorWith().authenticate(bearer('opaque-token-with-aud'))
    expect(principal.subject).toBe('task-service')
  })

  it('refuses an active result for another audience, whatever requireAudience says', async () => {
    endpoint.answer = () => ({ body: { active: true, sub: 'x', aud: ['https://other.test'] } })
    for (const requireAudience of [true, false]) {
      const error = await authenticatorWith({ requireAudience })
        .authenticate(bearer('opaque-token-for-another-api'))
        .then(
          () => expect.fail('accepted'),
          (e: AuthError) => e,
        )
      expect(error.status).toBe(401)
      expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    }
  })

  it("treats Hydra's empty aud: [] as no audience: refused by default, accepted with requireAudience: false", async () => {
    endpoint.answer = () => ({ body: { active: true, sub: 'task-service', aud: [] } })
    const error = await authenticatorWith()
      .authenticate(bearer('ory_at_abc.def'))
      .then(
        () => expect.fail('accepted'),
        (e: AuthError) => e,
      )
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    const principal = await authenticatorWith({ requireAudience: false }).authenticate(
      bearer('ory_at_abc.def'),
    )
    expect(principal.subject).toBe('task-service')
  })

  it('the hydra preset accepts an introspection without audience unless requireAudience is set', async () => {
    // Hydra's documented introspection answer for a client-credentials token requested
    // without `audience`: `aud: []`, `token_use: access_token`.
    endpoint.answer = () => ({
      body: {
        active: true,
        client_id: 'task-service',
        sub: 'task-service',
        scope: 'event.view',
        aud: [],
        iss: endpoint.issuer,
        token_type: 'Bearer',
        token_use: 'access_token',
      },
    })
    const hydra = { preset: 'hydra' } as const
    const principal = await authenticatorWith({}, hydra).authenticate(bearer('ory_at_xyz.abc'))
    expect([...principal.scopes]).toEqual(['event.view'])
    const error = await authenticatorWith({ requireAudience: true }, hydra)
      .authenticate(bearer('ory_at_xyz.abc'))
      .then(
        () => expect.fail('accepted'),
        (e: AuthError) => e,
      )
    expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
  })

  it('validates the new options at construction, naming the option', () => {
    expect(() => authenticatorWith({ maxConcurrent: 0 })).toThrow(
      '"bearer.introspection.maxConcurrent" must be a whole number >= 1',
    )
    expect(() => authenticatorWith({ maxQueued: -1 })).toThrow(
      '"bearer.introspection.maxQueued" must be a whole number >= 0',
    )
    expect(() => authenticatorWith({ inactiveCache: { ttlMs: 1.5 } })).toThrow(
      '"bearer.introspection.inactiveCache.ttlMs" must be a whole number >= 0',
    )
    expect(() => authenticatorWith({ requireAudience: 'no' as unknown as boolean })).toThrow(
      '"bearer.introspection.requireAudience" must be true or false',
    )
  })
})
