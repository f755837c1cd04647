import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  authenticatorOptionsFromEnv,
  authenticatorOptionsFromFile,
  createAuthenticator,
} from '@m2m-auth/core'
import { rejection } from '../support/assert.js'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../support/issuer.js'

let issuer: TestIssuer
let other: TestIssuer
const dir = mkdtempSync(join(tmpdir(), 'm2m-auth-config-'))
const write = (name: string, content: unknown): string => {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
  return name
}

beforeAll(async () => {
  ;[issuer, other] = await Promise.all([startIssuer(), startIssuer()])
})
afterAll(() => Promise.all([issuer.close(), other.close()]))

describe('configuration from M2M_AUTH_* environment variables', () => {
  it('builds options that accept a real token from the issuer', async () => {
    const options = authenticatorOptionsFromEnv({
      M2M_AUTH_ISSUER: issuer.issuer,
      M2M_AUTH_AUDIENCE: `${DEFAULT_RESOURCE}, https://spare.example.test`,
      M2M_AUTH_ALGORITHMS: 'RS256,ES256',
      M2M_AUTH_CLOCK_TOLERANCE: '10',
      M2M_AUTH_REALM: 'calendar',
      PATH: '/usr/bin',
    })
    expect(options).toEqual({
      bearer: {
        issuer: issuer.issuer,
        audience: [DEFAULT_RESOURCE, 'https://spare.example.test'],
        algorithms: ['RS256', 'ES256'],
        clockTolerance: 10,
      },
      realm: 'calendar',
    })
    const token = await issuer.token('viewer', { scope: 'event.view' })
    const principal = await createAuthenticator(options).authenticate({
      authorization: `Bearer ${token}`,
    })
    expect(principal.subject).toBe('viewer')
  })

  it('reads preset, JWKS URI, token header, introspection and resource metadata', () => {
    const options = authenticatorOptionsFromEnv({
      M2M_AUTH_ISSUER: 'https://hydra.example.com/',
      M2M_AUTH_AUDIENCE: 'https://calendar.example.com',
      M2M_AUTH_PRESET: 'hydra',
      M2M_AUTH_JWKS_URI: 'https://hydra.example.com/.well-known/jwks.json',
      M2M_AUTH_INTROSPECTION_CLIENT_ID: 'calendar',
      M2M_AUTH_INTROSPECTION_CLIENT_SECRET: 's3cret-value',
      M2M_AUTH_INTROSPECTION_CACHE_TTL: '30',
      M2M_AUTH_TOKEN_HEADER: 'x-api-token',
      M2M_AUTH_RESOURCE: 'https://calendar.example.com',
    })
    expect(options).toMatchObject({
      bearer: {
        preset: 'hydra',
        jwksUri: 'https://hydra.example.com/.well-known/jwks.json',
        introspection: { clientId: 'calendar', clientSecret: 's3cret-value', cacheTtlMs: 30_000 },
      },
      tokenHeader: 'x-api-token',
      resourceMetadata: { resource: 'https://calendar.example.com' },
    })
  })

  const base = { M2M_AUTH_ISSUER: 'https://idp.example.com/', M2M_AUTH_AUDIENCE: 'api' }
  const failures: Array<[string, Record<string, string>, string]> = [
    [
      'a missing issuer',
      { M2M_AUTH_AUDIENCE: 'api' },
      'M2M_AUTH_ISSUER: is required (or set M2M_AUTH_CONFIG_FILE)',
    ],
    [
      'a missing audience',
      { M2M_AUTH_ISSUER: 'https://idp.example.com/' },
      'M2M_AUTH_AUDIENCE: is required',
    ],
    [
      'a clock tolerance with a unit',
      { ...base, M2M_AUTH_CLOCK_TOLERANCE: '5s' },
      'M2M_AUTH_CLOCK_TOLERANCE: must be a whole number of seconds, got "5s"',
    ],
    [
      'a misspelt variable',
      { ...base, M2M_AUTH_AUDIENCES: 'api' },
      'M2M_AUTH_AUDIENCES: is not a known variable (did you mean M2M_AUTH_AUDIENCE?)',
    ],
    [
      'an unknown preset',
      { ...base, M2M_AUTH_PRESET: 'ping' },
      'environment: M2M_AUTH_PRESET must be one of auth0, okta',
    ],
    [
      'an algorithm that is not supported',
      { ...base, M2M_AUTH_ALGORITHMS: 'RS256,none' },
      'environment: M2M_AUTH_ALGORITHMS has unsupported algorithm "none"',
    ],
    [
      'an http issuer off loopback',
      { ...base, M2M_AUTH_ISSUER: 'http://idp.example.com/' },
      'environment: M2M_AUTH_ISSUER must be an https URL',
    ],
    [
      'an empty list item',
      { ...base, M2M_AUTH_AUDIENCE: 'api,,other' },
      'M2M_AUTH_AUDIENCE: must be a comma-separated list without empty items',
    ],
    [
      'a file combined with single variables',
      { ...base, M2M_AUTH_CONFIG_FILE: 'x.json' },
      'cannot be combined with M2M_AUTH_CONFIG_FILE; put it in the file',
    ],
  ]
  for (const [what, env, message] of failures) {
    it(`names the variable and the reason for ${what}`, () => {
      expect(() => authenticatorOptionsFromEnv(env)).toThrow(TypeError)
      expect(() => authenticatorOptionsFromEnv(env)).toThrow(message)
    })
  }

  it('shares the environment with the token client and till variables without refusing them', () => {
    const env = {
      M2M_AUTH_ISSUER: 'https://idp.example.com/',
      M2M_AUTH_AUDIENCE: 'api',
      M2M_AUTH_CLIENT_ID: 'order-service',
      M2M_AUTH_CLIENT_SECRET: 'outbound-secret',
      M2M_AUTH_SCOPE: 'inventory.read',
      M2M_AUTH_TILL_PEPPER: 'pepper',
    }
    const options = authenticatorOptionsFromEnv(env)
    expect(options.bearer).toMatchObject({ issuer: 'https://idp.example.com/', audience: ['api'] })
    expect(JSON.stringify(options)).not.toContain('outbound-secret')
  })

  it('never echoes a secret in its messages', () => {
    const secret = 'do-not-print-this-secret'
    let message = ''
    try {
      authenticatorOptionsFromEnv({ ...base, M2M_AUTH_INTROSPECTION_CLIENT_SECRET: secret })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain('M2M_AUTH_INTROSPECTION_CLIENT_ID')
    expect(message).not.toContain(secret)
  })
})

describe('configuration from a JSON file', () => {
  it('configures several issuers through M2M_AUTH_CONFIG_FILE', async () => {
    const file = write('several.json', {
      realm: 'calendar',
      bearer: [
        { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
        { issuer: other.issuer, audience: DEFAULT_RESOURCE, clockTolerance: 2 },
      ],
    })
    const options = authenticatorOptionsFromEnv({ M2M_AUTH_CONFIG_FILE: file }, { cwd: dir })
    const authenticator = createAuthenticator(options)
    for (const source of [issuer, other]) {
      const token = await source.token('task-service', { scope: 'event.create' })
      const principal = await authenticator.authenticate({ authorization: `Bearer ${token}` })
      expect(principal.issuer).toBe(source.issuer)
    }
  })

  it('names the file and the misspelt field', () => {
    const file = write('typo.json', {
      bearer: [
        { issuer: 'https://a.example.com/', audience: 'x' },
        { issuer: 'https://b.example.com/', audeince: 'x' },
      ],
    })
    expect(() => authenticatorOptionsFromFile(file, dir)).toThrow(
      'typo.json: "bearer[1].audeince" is not a known option',
    )
  })

  it('names the file and the field whose value is wrong', () => {
    const file = write('bad.json', {
      bearer: { issuer: 'https://a.example.com/', audience: 'x', clockTolerance: -3 },
    })
    expect(() => authenticatorOptionsFromFile(file, dir)).toThrow(
      'bad.json: "bearer.clockTolerance" must be a number >= 0',
    )
  })

  it('reports a file that is not JSON or does not exist', () => {
    expect(() => authenticatorOptionsFromFile(write('broken.json', '{ "bearer": '), dir)).toThrow(
      /^broken.json: is not valid JSON/,
    )
    expect(() => authenticatorOptionsFromFile('missing.json', dir)).toThrow(
      'missing.json: cannot be read (ENOENT)',
    )
  })
})

describe('introspection options from the environment and a JSON file', () => {
  // oidc-provider's opaque client-credentials tokens carry no `aud`, so they pass only where
  // `requireAudience` is off: a setting that is dropped or misread shows as a 401.
  const CALENDAR = {
    client_id: 'calendar-api',
    client_secret: 'calendar-api-secret-0123456789abcd',
  }
  let opaqueIssuer: TestIssuer
  beforeAll(async () => {
    opaqueIssuer = await startIssuer({
      defaultResource: null,
      clients: [...DEFAULT_CLIENTS, { ...CALENDAR, scope: 'event.view' }],
    })
  })
  afterAll(() => opaqueIssuer.close())

  const opaque = (): Promise<string> =>
    opaqueIssuer.token('task-service', { scope: 'event.view', resource: null })
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    M2M_AUTH_ISSUER: opaqueIssuer.issuer,
    M2M_AUTH_AUDIENCE: DEFAULT_RESOURCE,
    M2M_AUTH_INTROSPECTION_CLIENT_ID: CALENDAR.client_id,
    M2M_AUTH_INTROSPECTION_CLIENT_SECRET: CALENDAR.client_secret,
    ...extra,
  })

  it('reads M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE=false and accepts a token without aud', async () => {
    const options = authenticatorOptionsFromEnv(
      env({ M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE: 'false' }),
    )
    expect(options.bearer).toMatchObject({ introspection: { requireAudience: false } })
    const principal = await createAuthenticator(options).authenticate({
      authorization: `Bearer ${await opaque()}`,
    })
    expect(principal.subject).toBe('task-service')
  })

  it('refuses a token without aud when M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE is unset or true', async () => {
    const unsetOrTrue: Array<Record<string, string>> = [
      {},
      { M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE: 'true' },
    ]
    for (const extra of unsetOrTrue) {
      const authenticator = createAuthenticator(authenticatorOptionsFromEnv(env(extra)))
      const error = await rejection(
        authenticator.authenticate({ authorization: `Bearer ${await opaque()}` }),
      )
      expect(error.status).toBe(401)
      expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    }
  })

  it('names M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE when it is not true or false', () => {
    expect(() =>
      authenticatorOptionsFromEnv(env({ M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE: 'yes' })),
    ).toThrow('M2M_AUTH_INTROSPECTION_REQUIRE_AUDIENCE: must be true or false, got "yes"')
  })

  it('accepts requireAudience, inactiveCache, maxConcurrent and maxQueued in a file', async () => {
    const file = write('introspection.json', {
      bearer: {
        issuer: opaqueIssuer.issuer,
        audience: DEFAULT_RESOURCE,
        introspection: {
          clientId: CALENDAR.client_id,
          clientSecret: CALENDAR.client_secret,
          requireAudience: false,
          inactiveCache: { ttlMs: 5000, maxEntries: 100, maxBytes: 65536 },
          maxConcurrent: 4,
          maxQueued: 8,
        },
      },
    })
    const options = authenticatorOptionsFromEnv({ M2M_AUTH_CONFIG_FILE: file }, { cwd: dir })
    const principal = await createAuthenticator(options).authenticate({
      authorization: `Bearer ${await opaque()}`,
    })
    expect(principal.subject).toBe('task-service')
  })

  it('accepts inactiveCache: false in a file', () => {
    const file = write('no-inactive-cache.json', {
      bearer: {
        issuer: 'https://hydra.example.com/',
        audience: 'x',
        preset: 'hydra',
        introspection: { clientId: 'c', clientSecret: 's', inactiveCache: false },
      },
    })
    expect(authenticatorOptionsFromFile(file, dir).bearer).toMatchObject({
      introspection: { inactiveCache: false },
    })
  })

  it('refuses a misspelt introspection field with a did-you-mean', () => {
    const introspection = { clientId: 'c', clientSecret: 's' }
    const at = { issuer: 'https://a.example.com/', audience: 'x' }
    const typo = write('requireaudiance.json', {
      bearer: { ...at, introspection: { ...introspection, requireAudiance: false } },
    })
    expect(() => authenticatorOptionsFromFile(typo, dir)).toThrow(
      'requireaudiance.json: "bearer.introspection.requireAudiance" is not a known option ' +
        '(did you mean "requireAudience"?)',
    )
    const nested = write('ttlms.json', {
      bearer: { ...at, introspection: { ...introspection, inactiveCache: { ttlMS: 1000 } } },
    })
    expect(() => authenticatorOptionsFromFile(nested, dir)).toThrow(
      'ttlms.json: "bearer.introspection.inactiveCache.ttlMS" is not a known option ' +
        '(did you mean "ttlMs"?)',
    )
    const bearerTypo = write('audeince.json', { bearer: [{ issuer: at.issuer, audeince: 'x' }] })
    expect(() => authenticatorOptionsFromFile(bearerTypo, dir)).toThrow(
      'audeince.json: "bearer[0].audeince" is not a known option (did you mean "audience"?)',
    )
  })

  it('refuses a store in a file, which only code can pass, without suggesting a name', () => {
    const file = write('store.json', {
      bearer: { issuer: 'https://a.example.com/', audience: 'x' },
      store: { url: 'redis://127.0.0.1:6379' },
    })
    let message = ''
    try {
      authenticatorOptionsFromFile(file, dir)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toBe('store.json: "store" is not a known option')
  })
})
