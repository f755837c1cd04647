import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  PRESETS,
  type AuthError,
  type BearerIssuerOptions,
  type Principal,
} from '@m2m-auth/core'
import { startJwks, type LoopbackJwks } from '../support/jwks-server.js'

const rejected = (promise: Promise<unknown>): Promise<AuthError> =>
  promise.then(
    () => expect.fail('the request was accepted'),
    (error: AuthError) => error,
  )

// Each issuer's access-token shape, as its documentation shows it (see docs/issuers/*.md),
// signed by a test key that a loopback JWKS serves.
let jwks: LoopbackJwks
beforeAll(async () => {
  jwks = await startJwks()
})
afterAll(() => jwks.close())

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const ENTRA_CLIENT = '6e74172b-be56-4843-9ff4-e66a39bb12e3'

function authenticatorFor(options: Omit<BearerIssuerOptions, 'jwksUri'>) {
  return createAuthenticator({ bearer: { ...options, jwksUri: jwks.url }, cache: false })
}

async function accept(
  options: Omit<BearerIssuerOptions, 'jwksUri'>,
  claims: Record<string, unknown>,
): Promise<Principal> {
  const token = await jwks.sign(claims)
  return authenticatorFor(options).authenticate({ authorization: `Bearer ${token}` })
}

async function reject(
  options: Omit<BearerIssuerOptions, 'jwksUri'>,
  claims: Record<string, unknown>,
): Promise<AuthError> {
  const token = await jwks.sign(claims)
  return authenticatorFor(options)
    .authenticate({ authorization: `Bearer ${token}` })
    .then(
      () => expect.fail('the token was accepted'),
      (error: AuthError) => error,
    )
}

describe('issuer presets', () => {
  it('has a frozen data object for every documented issuer', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(
      [
        'auth0',
        'capillary',
        'cognito',
        'entra',
        'generic',
        'hydra',
        'keycloak',
        'loginradius',
        'okta',
        'supertokens',
      ].sort(),
    )
    for (const preset of Object.values(PRESETS)) expect(Object.isFrozen(preset)).toBe(true)
  })

  describe('auth0', () => {
    const auth0 = {
      preset: 'auth0',
      issuer: 'https://tenant.eu.auth0.com/',
      audience: 'https://calendar.example.com',
    } as const
    const claims = {
      iss: 'https://tenant.eu.auth0.com/',
      sub: 'Xq7Ht1@clients',
      aud: 'https://calendar.example.com',
      azp: 'Xq7Ht1',
      gty: 'client-credentials',
      scope: 'event.create event.view',
    }

    it('reads the scope string of a client-credentials token', async () => {
      const principal = await accept(auth0, claims)
      expect([...principal.scopes]).toEqual(['event.create', 'event.view'])
      expect(principal.scopeClaim).toBe('scope')
      expect(principal.clientId).toBe('Xq7Ht1')
    })

    it('prefers the RBAC permissions array when present', async () => {
      const principal = await accept(auth0, {
        ...claims,
        aud: ['https://calendar.example.com', 'https://tenant.eu.auth0.com/userinfo'],
        permissions: ['event.view'],
      })
      expect([...principal.scopes]).toEqual(['event.view'])
      expect(principal.scopeClaim).toBe('permissions')
    })

    it('rejects a token for another API with 401 invalid_token', async () => {
      const error = await reject(auth0, { ...claims, aud: 'https://other.example.com' })
      expect(error.status).toBe(401)
      expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    })
  })

  it('okta: reads the scp array and the client from cid', async () => {
    const principal = await accept(
      {
        preset: 'okta',
        issuer: 'https://dev-1.okta.com/oauth2/default',
        audience: 'api://default',
      },
      {
        ver: 1,
        iss: 'https://dev-1.okta.com/oauth2/default',
        aud: 'api://default',
        cid: '0oa1b2c3',
        sub: '0oa1b2c3',
        scp: ['event.create'],
      },
    )
    expect([...principal.scopes]).toEqual(['event.create'])
    expect(principal.scopeClaim).toBe('scp')
    expect(principal.clientId).toBe('0oa1b2c3')
  })

  describe('entra', () => {
    const entra = {
      preset: 'entra',
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      audience: [ENTRA_CLIENT, 'api://calendar'],
    } as const

    it('accepts a v2 token (client id GUID audience) with application permissions in roles', async () => {
      const principal = await accept(entra, {
        ver: '2.0',
        iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        aud: ENTRA_CLIENT,
        azp: 'a1b2',
        tid: TENANT,
        sub: 'a1b2-sp',
        roles: ['Event.Create', 'Event.View'],
      })
      expect([...principal.scopes]).toEqual(['Event.Create', 'Event.View'])
      expect(principal.scopeClaim).toBe('roles')
    })

    it('accepts a v1 token (sts.windows.net issuer, App ID URI audience) with delegated scp', async () => {
      const principal = await accept(entra, {
        ver: '1.0',
        iss: `https://sts.windows.net/${TENANT}/`,
        aud: 'api://calendar',
        appid: 'a1b2',
        tid: TENANT,
        sub: 'user-1',
        scp: 'Event.Read Event.Write',
      })
      expect([...principal.scopes]).toEqual(['Event.Read', 'Event.Write'])
      expect(principal.scopeClaim).toBe('scp')
      expect(principal.issuer).toBe(`https://sts.windows.net/${TENANT}/`)
      expect(principal.clientId).toBe('a1b2')
    })

    it('rejects another tenant with 401', async () => {
      const error = await reject(entra, {
        iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/',
        aud: ENTRA_CLIENT,
        sub: 'x',
      })
      expect(error.code).toBe('ERR_TOKEN_ISSUER')
    })

    it('refuses an issuer that is neither Entra form at construction', () => {
      expect(() =>
        createAuthenticator({
          bearer: { preset: 'entra', issuer: 'https://login.example.com/', audience: 'x' },
        }),
      ).toThrow(/"bearer.issuer" must be https:\/\/login.microsoftonline.com/)
    })
  })

  describe('cognito', () => {
    const cognito = {
      preset: 'cognito',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      audience: '1example23456789',
    } as const
    const claims = {
      iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      sub: '1example23456789',
      client_id: '1example23456789',
      token_use: 'access',
      scope: 'calendar/event.create',
      version: 2,
    }

    it('accepts an access token without aud by its allowed client_id', async () => {
      const principal = await accept(cognito, claims)
      expect([...principal.scopes]).toEqual(['calendar/event.create'])
      expect(principal.clientId).toBe('1example23456789')
    })

    it('rejects an ID token (token_use id) with 401', async () => {
      const error = await reject(cognito, { ...claims, token_use: 'id', aud: '1example23456789' })
      expect(error.status).toBe(401)
      expect(error.message).toBe('the token token_use claim is not access')
    })

    it('rejects a client that is not allowed with 401', async () => {
      const error = await reject(cognito, { ...claims, client_id: 'someoneelse' })
      expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    })
  })

  describe('keycloak', () => {
    const keycloak = {
      preset: 'keycloak',
      issuer: 'https://sso.example.com/realms/pos',
      audience: ['calendar-api', 'task-service'],
    } as const

    it('accepts a token without aud by its azp', async () => {
      const principal = await accept(keycloak, {
        iss: 'https://sso.example.com/realms/pos',
        azp: 'task-service',
        sub: 'f3c2',
        typ: 'Bearer',
        scope: 'profile event.view',
      })
      expect([...principal.scopes]).toEqual(['profile', 'event.view'])
      expect(principal.clientId).toBe('task-service')
    })

    it('rejects an azp that is not configured', async () => {
      const error = await reject(keycloak, {
        iss: 'https://sso.example.com/realms/pos',
        azp: 'intruder',
        sub: 'f3c2',
        scope: 'event.view',
      })
      expect(error.code).toBe('ERR_TOKEN_AUDIENCE')
    })
  })

  describe('hydra', () => {
    it('requires introspection, because Hydra tokens are opaque by default', () => {
      expect(() =>
        createAuthenticator({
          bearer: { preset: 'hydra', issuer: 'https://hydra.example.com/', audience: 'x' },
        }),
      ).toThrow('"bearer.introspection" is required: hydra issues opaque access tokens by default')
    })

    it('still verifies JWT access tokens (jwt strategy) locally, scopes from scp', async () => {
      const principal = await accept(
        {
          preset: 'hydra',
          issuer: 'https://hydra.example.com/',
          audience: 'https://calendar.example.com',
          introspection: {
            endpoint: 'https://hydra-admin.example.com/admin/oauth2/introspect',
            clientId: 'calendar',
            clientSecret: 'calendar-secret',
          },
        },
        {
          iss: 'https://hydra.example.com/',
          aud: ['https://calendar.example.com'],
          client_id: 'task-service',
          sub: 'task-service',
          scp: ['event.view'],
        },
      )
      expect([...principal.scopes]).toEqual(['event.view'])
      expect(principal.scopeClaim).toBe('scp')
    })
  })

  describe('supertokens', () => {
    const supertokens = {
      preset: 'supertokens',
      issuer: 'https://api.example.com/auth',
      audience: 'https://calendar.example.com',
    } as const
    const claims = {
      iss: 'https://api.example.com/auth',
      aud: ['https://calendar.example.com'],
      client_id: 'stcl_1',
      sub: 'stcl_1',
      scp: ['event.create'],
      stt: 1,
    }

    it('accepts an OAuth2 access token (stt 1)', async () => {
      const principal = await accept(supertokens, claims)
      expect([...principal.scopes]).toEqual(['event.create'])
    })

    it('rejects a session token (stt 0) and an ID token (stt 2)', async () => {
      for (const stt of [0, 2]) {
        const error = await reject(supertokens, { ...claims, stt })
        expect(error.status).toBe(401)
        expect(error.message).toBe('the token stt claim is not 1')
      }
    })
  })

  it('loginradius: aud array and scp array', async () => {
    const principal = await accept(
      {
        preset: 'loginradius',
        issuer: 'https://acme.hub.loginradius.com/service/oauth/MyApp',
        audience: 'api://payment_gateway',
      },
      {
        iss: 'https://acme.hub.loginradius.com/service/oauth/MyApp',
        aud: ['api://payment_gateway'],
        scp: ['read:payment'],
        azp: 'lr-client',
        cid: '40c4bf81',
        sub: 'e2a19b16',
      },
    )
    expect([...principal.scopes]).toEqual(['read:payment'])
    expect(principal.clientId).toBe('lr-client')
  })

  describe('capillary', () => {
    const capillary = {
      preset: 'capillary',
      issuer: 'Capillary',
      audience: '21',
    } as const
    const claims = {
      iss: 'Capillary',
      sub: 'name_8436208201',
      client_id: 21,
      org_id: 1115,
      token_use: 'token_access',
    }

    it('reads the token from X-CAP-API-OAUTH-TOKEN and checks the numeric client_id', async () => {
      const token = await jwks.sign(claims)
      const principal = await authenticatorFor(capillary).authenticate({
        rawHeaders: ['X-CAP-API-OAUTH-TOKEN', token],
      })
      expect(principal.subject).toBe('name_8436208201')
      expect(principal.clientId).toBe('21')
      expect(principal.issuer).toBe('Capillary')
    })

    it('answers 400 when the request also carries an Authorization header', async () => {
      const token = await jwks.sign(claims)
      const error = await rejected(
        authenticatorFor(capillary).authenticate({
          rawHeaders: ['X-CAP-API-OAUTH-TOKEN', token, 'Authorization', `Bearer ${token}`],
        }),
      )
      expect(error.status).toBe(400)
      expect(error.message).toBe('the request carries more than one credential')
    })

    it('rejects another token_use with 401', async () => {
      const token = await jwks.sign({ ...claims, token_use: 'token_refresh' })
      const error = await rejected(
        authenticatorFor(capillary).authenticate({ rawHeaders: ['x-cap-api-oauth-token', token] }),
      )
      expect(error.status).toBe(401)
    })

    it('needs jwksUri, since "Capillary" is not a URL to discover', () => {
      expect(() => createAuthenticator({ bearer: capillary })).toThrow(
        '"bearer.jwksUri" is required: preset capillary has no discovery',
      )
    })
  })

  it('refuses an unknown preset name at construction', () => {
    expect(() =>
      createAuthenticator({
        bearer: { preset: 'ping' as 'okta', issuer: 'https://idp.example.com/', audience: 'x' },
      }),
    ).toThrow(/"bearer.preset" must be one of auth0, okta/)
  })
})

describe('scope claim normalisation without a preset', () => {
  const generic = { issuer: 'https://idp.example.com/', audience: 'api' }
  const base = { iss: 'https://idp.example.com/', aud: 'api', sub: 'svc' }
  const shapes: Array<[string, unknown, string[]]> = [
    ['scope', 'a b  c', ['a', 'b', 'c']],
    ['scp', ['a', 'b'], ['a', 'b']],
  ]
  for (const [claim, value, scopes] of shapes) {
    it(`reads ${claim} and records it on the principal`, async () => {
      const principal = await accept(generic, { ...base, [claim]: value })
      expect([...principal.scopes]).toEqual(scopes)
      expect(principal.scopeClaim).toBe(claim)
    })
  }

  it('applies requiredClaims and audienceClaim given without a preset', async () => {
    const options = {
      ...generic,
      audience: 'svc-client',
      audienceClaim: 'client_id',
      requiredClaims: { token_use: 'access' },
    }
    const claims = { iss: generic.issuer, sub: 'svc', client_id: 'svc-client' }
    expect((await accept(options, { ...claims, token_use: 'access' })).clientId).toBe('svc-client')
    const wrongUse = await reject(options, { ...claims, token_use: 'id' })
    expect(wrongUse.message).toBe('the token token_use claim is not access')
    const wrongClient = await reject(options, { ...claims, token_use: 'access', client_id: 'x' })
    expect(wrongClient.code).toBe('ERR_TOKEN_AUDIENCE')
  })

  it('gives no scopes for a claim of the wrong shape', async () => {
    const principal = await accept(generic, { ...base, scope: { admin: true } })
    expect(principal.scopes.size).toBe(0)
  })
})
