import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, type AuthError, type Authenticator } from '@m2m-auth/core'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'

const rejected = (promise: Promise<unknown>): Promise<AuthError> =>
  promise.then(
    () => expect.fail('the request was accepted'),
    (error: AuthError) => error,
  )

/** Every request a proxy saw, except the token requests the test itself made. */
const issuerTraffic = (issuer: TestIssuer): number =>
  [...issuer.proxy.hits].filter(([path]) => path !== '/token').reduce((n, [, hits]) => n + hits, 0)

describe('several trusted issuers', () => {
  let first: TestIssuer
  let second: TestIssuer
  let stranger: TestIssuer
  let authenticator: Authenticator

  beforeAll(async () => {
    ;[first, second, stranger] = await Promise.all([startIssuer(), startIssuer(), startIssuer()])
    authenticator = createAuthenticator({
      bearer: [
        { issuer: first.issuer, audience: DEFAULT_RESOURCE },
        { issuer: second.issuer, audience: DEFAULT_RESOURCE },
      ],
    })
  })
  afterAll(() => Promise.all([first, second, stranger].map((i) => i.close())))

  it('never makes a network request for a token whose iss is not configured', async () => {
    const token = await stranger.token('task-service', { scope: 'event.view' })
    const error = await rejected(authenticator.authenticate({ authorization: `Bearer ${token}` }))
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_TOKEN_ISSUER')
    expect(issuerTraffic(first)).toBe(0)
    expect(issuerTraffic(second)).toBe(0)
    expect(issuerTraffic(stranger)).toBe(0)
    expect(stranger.proxy.hitsFor('/jwks')).toBe(0)
  })

  it("accepts each configured issuer's tokens, fetching keys only from that issuer", async () => {
    const fromSecond = await second.token('viewer', { scope: 'event.view' })
    const principal = await authenticator.authenticate({ authorization: `Bearer ${fromSecond}` })
    expect(principal.issuer).toBe(second.issuer)
    expect(second.proxy.hitsFor('/jwks')).toBe(1)
    expect(issuerTraffic(first)).toBe(0)

    const fromFirst = await first.token('task-service', { scope: 'event.create' })
    const other = await authenticator.authenticate({ authorization: `Bearer ${fromFirst}` })
    expect(other.issuer).toBe(first.issuer)
    expect([...other.scopes]).toEqual(['event.create'])
    expect(first.proxy.hitsFor('/jwks')).toBe(1)
  })

  it('refuses the same issuer listed twice at construction', () => {
    expect(() =>
      createAuthenticator({
        bearer: [
          { issuer: first.issuer, audience: 'a' },
          { issuer: first.issuer, audience: 'b' },
        ],
      }),
    ).toThrow(`"bearer" lists issuer ${first.issuer} twice`)
  })
})
