import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  createScopeCheck,
  hashTillSecret,
  memoryTillStore,
  type AuthenticatorOptions,
  type BasicOptions,
  type TillStore,
} from '@m2m-auth/core'
import { rejection } from '../../../test/support/assert.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const basicHeader = (tillId: string, password: string): string =>
  `Basic ${Buffer.from(`${tillId}:${md5(password)}`).toString('base64')}`
const BASIC_CHALLENGE = 'Basic realm="pos", charset="UTF-8"'

let tills: TillStore
beforeAll(async () => {
  const secret = await hashTillSecret(md5('right'), { cost: { ln: 10 } })
  tills = memoryTillStore([{ tillId: 'T-1', secret, scopes: ['stock.read'], store: 'S-1' }])
})

describe('a Basic-only authenticator (no issuer configured)', () => {
  it('is built from { basic } alone and accepts a till', async () => {
    const authenticator = createAuthenticator({ basic: { tills } })
    const principal = await authenticator.authenticate({
      authorization: basicHeader('T-1', 'right'),
    })
    expect(principal).toMatchObject({ scheme: 'basic', subject: 'till:T-1', till: { id: 'T-1' } })
    expect(authenticator.challenge).toMatchObject({ bearer: false, basicRealm: 'pos' })
  })

  it('challenges a request without credentials with Basic only', async () => {
    const authenticator = createAuthenticator({ basic: { tills } })
    const error = await rejection(authenticator.authenticate({}))
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toBe(BASIC_CHALLENGE)
  })

  it('refuses a bearer token with 401, saying no issuer is configured, challenging with Basic', async () => {
    const authenticator = createAuthenticator({ basic: { tills, realm: 'till-api' } })
    const error = await rejection(authenticator.authenticate({ authorization: 'Bearer abc.def' }))
    expect(error.status).toBe(401)
    expect(error.code).toBe('ERR_SCHEME_DISABLED')
    expect(error.toJSON()).toEqual({
      error: 'unauthorized',
      error_description:
        'Bearer tokens are not accepted here (no token issuer is configured); use Basic',
    })
    expect(error.headers['WWW-Authenticate']).toBe('Basic realm="till-api", charset="UTF-8"')
  })

  it('answers a till without the scope with 403 and no Bearer challenge', async () => {
    const authenticator = createAuthenticator({ basic: { tills } })
    const principal = await authenticator.authenticate({
      authorization: basicHeader('T-1', 'right'),
    })
    let error: unknown
    try {
      createScopeCheck('all', ['stock.write'])(principal)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ status: 403, error: 'insufficient_scope' })
    expect((error as { headers: object }).headers).not.toHaveProperty('WWW-Authenticate')
  })

  it('prefetches nothing and resolves', async () => {
    await expect(createAuthenticator({ basic: { tills } }).prefetch()).resolves.toBeUndefined()
  })
})

describe('what a Basic-only configuration cannot have', () => {
  const plain = (options: object) => () => createAuthenticator(options as AuthenticatorOptions)

  it('refuses neither bearer nor basic', () => {
    expect(plain({})).toThrow(
      new TypeError(
        'createAuthenticator() needs at least one of "bearer" (token issuers) or "basic" (POS tills)',
      ),
    )
  })

  it.each([
    ['realm', 'api', '; the Basic challenge\'s realm is "basic.realm"'],
    ['maxTokenLength', 4096, ''],
    ['cache', false, ''],
    ['tokenHeader', 'x-api-token', ''],
    ['resourceMetadata', { resource: 'https://stock.example.test' }, ''],
    ['attribution', { scope: 'pos.attribute' }, ''],
  ])('refuses the Bearer-only option %s', (name, value, hint) => {
    expect(plain({ basic: { tills }, [name]: value })).toThrow(
      new TypeError(`"${name}" applies to Bearer tokens, and no "bearer" is configured${hint}`),
    )
  })

  it('refuses basic.mode "deny", which would accept nothing', () => {
    expect(plain({ basic: { tills, mode: 'deny' } })).toThrow(
      '"basic.mode" is "deny" and no "bearer" is configured: nothing is accepted',
    )
  })

  it('is one of the shapes the types allow, and the types refuse what the runtime refuses', () => {
    const basic: BasicOptions = { tills }
    const options: AuthenticatorOptions[] = [
      { basic },
      { bearer: { issuer: 'https://idp.example.test/', audience: 'x' } },
      { bearer: { issuer: 'https://idp.example.test/', audience: 'x' }, basic, realm: 'api' },
      // @ts-expect-error -- neither scheme
      {},
      // @ts-expect-error -- a Bearer-only option without bearer
      { basic, realm: 'api' },
    ]
    expect(options).toHaveLength(5)
  })
})
