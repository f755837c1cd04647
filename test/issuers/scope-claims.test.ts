import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  createScopeCheck,
  isAuthError,
  type AuthError,
  type BearerIssuerOptions,
  type Principal,
} from '@m2m-auth/core'
import { startJwks, type LoopbackJwks } from '../support/jwks-server.js'

// Which claims carry scopes is the issuer's business: `scope` and `scp` for any issuer, and a
// preset's own (Entra `roles`, Auth0 `permissions`) only for that issuer. Reading `roles` or
// `permissions` everywhere would let a token minted for another purpose pass a scope check.

let jwks: LoopbackJwks
beforeAll(async () => {
  jwks = await startJwks()
})
afterAll(() => jwks.close())

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const ENTRA_CLIENT = '6e74172b-be56-4843-9ff4-e66a39bb12e3'
const generic = { issuer: 'https://idp.example.com/', audience: 'api' }
const genericClaims = { iss: generic.issuer, aud: 'api', sub: 'svc', client_id: 'svc' }

async function principalFor(
  options: Omit<BearerIssuerOptions, 'jwksUri'>,
  claims: Record<string, unknown>,
): Promise<Principal> {
  const authenticator = createAuthenticator({
    bearer: { ...options, jwksUri: jwks.url },
    cache: false,
  })
  return authenticator.authenticate({ authorization: `Bearer ${await jwks.sign(claims)}` })
}

/** What `requireScope('admin')` does with the principal: nothing, or the error it throws. */
function requireAdmin(principal: Principal): AuthError | undefined {
  try {
    createScopeCheck('all', ['admin'])(principal)
    return undefined
  } catch (error) {
    if (isAuthError(error)) return error
    throw error
  }
}

describe('scope claims of a generic issuer (no preset)', () => {
  for (const [claim, value] of [
    ['roles', ['admin']],
    ['permissions', ['admin']],
    ['scopes', ['admin']],
  ] as const) {
    it(`refuses requireScope('admin') with 403 insufficient_scope for a token with ${claim}: ['admin'] and no scope`, async () => {
      const principal = await principalFor(generic, { ...genericClaims, [claim]: value })
      expect([...principal.scopes]).toEqual([])
      expect(principal.scopeClaim).toBeUndefined()
      const error = requireAdmin(principal)
      expect(error?.status).toBe(403)
      expect(error?.headers['WWW-Authenticate']).toContain('error="insufficient_scope"')
    })
  }

  it('takes scopes from scope alone when the token also has roles and permissions', async () => {
    const principal = await principalFor(generic, {
      ...genericClaims,
      roles: ['admin'],
      permissions: ['admin'],
      scope: 'event.view',
    })
    expect([...principal.scopes]).toEqual(['event.view'])
    expect(principal.scopeClaim).toBe('scope')
    expect(requireAdmin(principal)?.status).toBe(403)
  })

  it('reads scp when there is no scope', async () => {
    const principal = await principalFor(generic, { ...genericClaims, scp: ['admin'] })
    expect(principal.scopeClaim).toBe('scp')
    expect(requireAdmin(principal)).toBeUndefined()
  })

  it("reads the same claims with preset 'generic' as with no preset", async () => {
    const claims = { ...genericClaims, roles: ['admin'], permissions: ['admin'], scopes: ['admin'] }
    const plain = await principalFor(generic, claims)
    const named = await principalFor({ ...generic, preset: 'generic' }, claims)
    expect([named.scopeClaim, [...named.scopes]]).toEqual([plain.scopeClaim, [...plain.scopes]])
    expect(named.scopes.size).toBe(0)
  })

  it('reads roles when scopeClaim names it: an explicit choice', async () => {
    const principal = await principalFor(
      { ...generic, scopeClaim: ['scope', 'roles'] },
      { ...genericClaims, roles: ['admin'] },
    )
    expect(principal.scopeClaim).toBe('roles')
    expect(requireAdmin(principal)).toBeUndefined()
  })
})

describe('scope claims a preset adds for its issuer', () => {
  it("passes requireScope('admin') for an Entra app-only token whose app roles (roles) grant admin", async () => {
    const principal = await principalFor(
      {
        preset: 'entra',
        issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        audience: ENTRA_CLIENT,
      },
      {
        ver: '2.0',
        iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        aud: ENTRA_CLIENT,
        azp: 'a1b2',
        tid: TENANT,
        sub: 'a1b2-sp',
        roles: ['admin'],
      },
    )
    expect(principal.scopeClaim).toBe('roles')
    expect(requireAdmin(principal)).toBeUndefined()
  })

  it("passes requireScope('admin') for an Auth0 token whose RBAC permissions grant admin", async () => {
    const principal = await principalFor(
      {
        preset: 'auth0',
        issuer: 'https://tenant.eu.auth0.com/',
        audience: 'https://calendar.example.com',
      },
      {
        iss: 'https://tenant.eu.auth0.com/',
        sub: 'Xq7Ht1@clients',
        aud: 'https://calendar.example.com',
        azp: 'Xq7Ht1',
        gty: 'client-credentials',
        permissions: ['admin'],
      },
    )
    expect(principal.scopeClaim).toBe('permissions')
    expect(requireAdmin(principal)).toBeUndefined()
  })

  it('still refuses roles on an Okta token: only scp carries its scopes', async () => {
    const principal = await principalFor(
      {
        preset: 'okta',
        issuer: 'https://dev-1.okta.com/oauth2/default',
        audience: 'api://default',
      },
      {
        iss: 'https://dev-1.okta.com/oauth2/default',
        aud: 'api://default',
        cid: '0oa1b2c3',
        sub: '0oa1b2c3',
        roles: ['admin'],
      },
    )
    expect(requireAdmin(principal)?.status).toBe(403)
  })
})
