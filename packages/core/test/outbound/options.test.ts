import { describe, expect, it } from 'vitest'
import { createTokenClient, type TokenClientOptions } from '@m2m-auth/core'

const base = { issuer: 'https://idp.example.com/', clientId: 'svc', clientSecret: 'secret-value' }
const create = (options: Record<string, unknown>) => () =>
  createTokenClient(options as unknown as TokenClientOptions)

describe('createTokenClient options', () => {
  it.each([
    [{ ...base, issuer: undefined }, '"issuer" or "tokenEndpoint" must be set'],
    [{ ...base, issuer: 'idp.example.com' }, '"issuer" must be an absolute URL'],
    [
      { ...base, issuer: 'http://idp.example.com' },
      '"issuer" must be an https: URL (http: only on loopback)',
    ],
    [{ ...base, clientId: '' }, '"clientId" must be a non-empty string'],
    [{ ...base, clientSecret: undefined }, '"clientSecret" must be a non-empty string'],
    [{ ...base, privateKey: 'pem' }, 'set "clientSecret" or "privateKey", not both'],
    [
      { ...base, clientSecret: undefined, privateKey: 'pem', authMethod: 'client_secret_post' },
      '"authMethod" must be "private_key_jwt" when "privateKey" is set',
    ],
    [
      { ...base, authMethod: 'private_key_jwt' },
      '"authMethod" must be "client_secret_basic" or "client_secret_post" with "clientSecret"',
    ],
    [
      { ...base, preset: 'nope' },
      '"preset" must be one of generic, auth0, okta, entra, cognito, keycloak, hydra, supertokens, loginradius, capillary',
    ],
    [
      { ...base, preset: 'capillary', issuer: undefined, tokenEndpoint: undefined },
      '"tokenEndpoint" is required with preset "capillary"',
    ],
    [{ ...base, scope: 42 }, '"scope" must be a space-separated string or an array of strings'],
    [{ ...base, audience: '' }, '"audience" must be a non-empty string'],
    [{ ...base, timeoutMs: 0 }, '"timeoutMs" must be a number > 0'],
    // A token is never kept longer than 24 h, whatever the issuer or this option says.
    [{ ...base, defaultExpiresIn: 1e20 }, '"defaultExpiresIn" must be at most 86400'],
    [{ ...base, retry: { retries: 1.5 } }, '"retry.retries" must be an integer from 0 to 10'],
    [{ ...base, refreshAhead: { ratio: 2 } }, '"refreshAhead.ratio" must be between 0 and 1'],
    [{ ...base, hooks: { retry: 'log' } }, '"hooks.retry" must be a function'],
    [{ ...base, extraParams: { tenant: 1 } }, '"extraParams.tenant" must be a string'],
    [{ ...base, fetch: 'fetch' }, '"fetch" must be a function'],
  ])('throws a TypeError naming the option: %j', (options, message) => {
    expect(create(options)).toThrow(new TypeError(message))
  })

  it('accepts an http issuer on loopback and never mutates the options', () => {
    const options = Object.freeze({
      ...base,
      issuer: 'http://127.0.0.1:9/',
      scope: Object.freeze(['b', 'a']),
      retry: Object.freeze({ retries: 1 }),
    })
    expect(() => createTokenClient(options)).not.toThrow()
  })

  it('rejects bad per-call options as a rejected promise, not a throw', async () => {
    const client = createTokenClient(base)
    await expect(client.getToken({ scope: 7 as unknown as string })).rejects.toThrow(TypeError)
  })
})
