import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  authenticatorOptionsFromFile,
  createAuthenticator,
  createTokenClient,
  fileTillStore,
  memoryStore,
  memoryTillStore,
  type AuthenticatorOptions,
  type TokenClientOptions,
} from '@m2m-auth/core'

const bearer = { issuer: 'https://idp.example.test/', audience: 'https://api.example.test' }
const basic = { tills: memoryTillStore([]) }
const client = {
  tokenEndpoint: 'https://idp.example.test/token',
  clientId: 'svc',
  clientSecret: 'secret-value',
}
const dir = mkdtempSync(join(tmpdir(), 'm2m-auth-options-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The message of the TypeError `build` throws. */
function refusal(build: () => unknown): string {
  try {
    build()
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    return (error as Error).message
  }
  throw new Error('expected a TypeError, nothing was thrown')
}

// Misspelt options arrive as plain objects (from a spread, a config loader, JavaScript).
const authenticator = (options: object) => () =>
  createAuthenticator(options as AuthenticatorOptions)
const tokenClient = (options: object) => () => createTokenClient(options as TokenClientOptions)

describe('createAuthenticator refuses options it does not have, naming the path', () => {
  it.each<[string, object, string]>([
    [
      'a misspelt issuer option',
      { bearer: { ...bearer, audiance: 'x' } },
      '"bearer.audiance" is not a known option (did you mean "audience"?)',
    ],
    [
      'a misspelt option in the second of several issuers',
      { bearer: [bearer, { ...bearer, issuer: 'https://b.example.test/', audiance: 'x' }] },
      '"bearer[1].audiance" is not a known option (did you mean "audience"?)',
    ],
    [
      'a misspelt top-level option',
      { bearer, realms: 'calendar' },
      '"realms" is not a known option (did you mean "realm"?)',
    ],
    [
      'a Basic option one level too high',
      { bearer, basic: { ...basic, sunset: new Date('2027-06-30') } },
      '"basic.sunset" is not a known option (did you mean "basic.deprecation.sunset"?)',
    ],
    [
      'an issuer option at the top level',
      { bearer, clockTolerance: 10 },
      '"clockTolerance" is not a known option (did you mean "bearer.clockTolerance"?)',
    ],
    [
      'a misspelt introspection option',
      { bearer: { ...bearer, introspection: { clientId: 'c', clientSecrett: 's' } } },
      '"bearer.introspection.clientSecrett" is not a known option (did you mean "clientSecret"?)',
    ],
    [
      'a misspelt lockout option',
      { bearer, basic: { ...basic, lockout: { maxFailure: 3 } } },
      '"basic.lockout.maxFailure" is not a known option (did you mean "maxFailures"?)',
    ],
    [
      'a misspelt attribution option',
      { bearer, basic, attribution: { scope: 'pos.attribute', headers: 'X-Till' } },
      '"attribution.headers" is not a known option (did you mean "header"?)',
    ],
    ['a name nothing resembles', { bearer, colour: 'blue' }, '"colour" is not a known option'],
    [
      'an inherited name (constructor)',
      JSON.parse('{ "bearer": { "constructor": 1 } }') as object,
      '"bearer.constructor" is not a known option',
    ],
    [
      'the retired basic.lockout.store',
      { bearer, basic: { ...basic, lockout: { store: memoryStore() } } },
      '"basic.lockout.store" is no longer an option: pass the store as the top-level "store"',
    ],
  ])('%s', (_what, options, message) => {
    expect(refusal(authenticator(options))).toBe(message)
  })

  it('accepts every option it documents, functions and stores included', () => {
    const options: AuthenticatorOptions = {
      bearer: {
        ...bearer,
        preset: 'hydra',
        audienceClaim: 'aud',
        requiredClaims: { tenant: 'acme' },
        introspection: {
          clientId: 'c',
          clientSecret: 's',
          authMethod: 'client_secret_post',
          endpoint: 'https://idp.example.test/introspect',
          cacheTtlMs: 1000,
          requireAudience: true,
          inactiveCache: { ttlMs: 1, maxEntries: 1, maxBytes: 1 },
          maxConcurrent: 1,
          maxQueued: 1,
        },
        jwksUri: 'https://idp.example.test/jwks',
        algorithms: ['ES256', 'HS256'],
        secret: 'a-shared-secret-of-at-least-32-bytes!',
        clockTolerance: 1,
        requireAccessTokenType: true,
        scopeClaim: ['scope'],
        tillClaims: { id: 'till', store: 'shop' },
        jwksCooldownMs: 1,
        jwksMaxAgeMs: 1,
        failureBackoffMs: 1,
        timeoutMs: 1,
        allowInsecureRequests: false,
        fetch: (input, init) => fetch(input, init),
      },
      realm: 'api',
      maxTokenLength: 4096,
      cache: { maxEntries: 1, maxBytes: 1024 },
      tokenHeader: 'x-api-token',
      resourceMetadata: {
        resource: 'https://api.example.test',
        authorizationServers: ['https://idp.example.test/'],
        scopesSupported: ['a'],
        resourceName: 'API',
      },
      basic: {
        ...basic,
        realm: 'pos',
        mode: 'deprecate',
        pepper: 'a-pepper-of-16-bytes-or-more',
        lockout: { maxFailures: 3, windowMs: 1000, coolDownMs: 1000 },
        cache: { ttlMs: 1, maxEntries: 1 },
        deprecation: { date: new Date(), sunset: new Date(), link: 'https://wiki.example.test/' },
        onLegacyAuth: () => undefined,
      },
      attribution: { scope: 'pos.attribute', header: 'X-Till', tills: basic.tills },
      store: memoryStore(),
      onStoreFallback: () => undefined,
    }
    expect(() => createAuthenticator(options)).not.toThrow()
    expect(() => createAuthenticator({ bearer: [bearer], cache: false })).not.toThrow()
  })
})

describe('a config file is checked by the same list, less what only code can pass', () => {
  const file = (name: string, content: object): string => {
    writeFileSync(join(dir, name), JSON.stringify(content))
    return name
  }

  it('words a typo exactly as createAuthenticator does, prefixed with the file', () => {
    const options = { bearer: { ...bearer, audiance: 'x' } }
    expect(refusal(() => authenticatorOptionsFromFile(file('typo.json', options), dir))).toBe(
      `typo.json: ${refusal(authenticator(options))}`,
    )
  })

  it('refuses fetch in a file, which createAuthenticator accepts from code', () => {
    const name = file('fetch.json', { bearer: { ...bearer, fetch: 'global' } })
    expect(refusal(() => authenticatorOptionsFromFile(name, dir))).toBe(
      'fetch.json: "bearer.fetch" is not a known option',
    )
  })
})

describe('createTokenClient refuses options it does not have, naming the path', () => {
  it.each<[string, object, string]>([
    [
      'a misspelt option',
      { ...client, scopes: 'a b' },
      '"scopes" is not a known option (did you mean "scope"?)',
    ],
    [
      'a misspelt retry option',
      { ...client, retry: { retires: 1 } },
      '"retry.retires" is not a known option (did you mean "retries"?)',
    ],
    [
      'a misspelt hook',
      { ...client, hooks: { tokenFeched: () => undefined } },
      '"hooks.tokenFeched" is not a known option (did you mean "tokenFetched"?)',
    ],
    [
      'a refresh-ahead option one level too high',
      { ...client, jitter: 0.2 },
      '"jitter" is not a known option (did you mean "refreshAhead.jitter"?)',
    ],
  ])('%s', (_what, options, message) => {
    expect(refusal(tokenClient(options))).toBe(message)
  })

  it('accepts every option it documents', () => {
    const options: TokenClientOptions = {
      ...client,
      authMethod: 'client_secret_post',
      preset: 'generic',
      scope: ['a'],
      audience: 'https://api.example.test',
      resource: 'https://api.example.test',
      extraParams: { anything: 'goes' },
      timeoutMs: 1000,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      refreshAhead: { minMs: 1, ratio: 0.5, maxMs: 1, jitter: 0 },
      defaultExpiresIn: 60,
      expiryLeewayMs: 1,
      allowInsecureRequests: false,
      fetch: (input, init) => fetch(input, init),
      hooks: { tokenFetched: () => undefined, retry: () => undefined },
      now: Date.now,
      store: memoryStore(),
      onStoreFallback: () => undefined,
    }
    expect(() => createTokenClient(options)).not.toThrow()
  })
})

describe('fileTillStore refuses options it does not have', () => {
  it('names a misspelt option with a suggestion', () => {
    const path = join(dir, 'tills.json')
    writeFileSync(path, '[]')
    expect(refusal(() => fileTillStore(path, { checkInterval: 10 } as object))).toBe(
      '"checkInterval" is not a known option (did you mean "checkIntervalMs"?)',
    )
  })
})
