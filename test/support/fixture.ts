import { afterAll, beforeAll } from 'vitest'
import { createAuthenticator, type Authenticator } from '@m2m-auth/core'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from './issuer.js'

export interface IssuerFixture {
  readonly issuer: TestIssuer
  readonly authenticator: Authenticator
}

/** Starts a real issuer for the enclosing suite, with an authenticator trusting it. */
export function useIssuer(): IssuerFixture {
  let issuer: TestIssuer | undefined
  let authenticator: Authenticator | undefined
  beforeAll(async () => {
    issuer = await startIssuer()
    authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
  })
  afterAll(() => issuer?.close())
  return {
    get issuer() {
      return issuer!
    },
    get authenticator() {
      return authenticator!
    },
  }
}
