import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient, logHooks } from '@m2m-auth/core'
import { expectClean } from '../../packages/core/test/outbound/leaks.js'
import {
  startLoopbackServer,
  type Answer,
  type LoopbackServer,
  type Recorded,
} from '../../packages/core/test/outbound/loopback-server.js'

// Characters that encode differently in a form, a URL, JSON, Basic and base64.
const SECRET = 'p@ss word/with+symbols&=%:"\\é€ (it\'s)-0123456789~'
const CLIENT_ID = 'svc:ü id/+'
// Credentials the redactor was never told about: only the shared scrubbing can catch them.
const STRANGER_JWT = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`
const STRANGER_MD5 = createHash('md5').update('a till password').digest('hex')
const ISSUED = `eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.${randomBytes(48).toString('base64url')}.${randomBytes(64).toString('base64url')}`

/** A token endpoint that quotes everything it received back in its error, and more. */
function echo(status: number) {
  return (request: Recorded): Answer => ({
    status,
    json: {
      error: status === 503 ? 'temporarily_unavailable' : 'invalid_client',
      error_description: [
        `authorization=${request.headers.authorization ?? ''}`,
        `body=${request.body}`,
        `params=${[...new URLSearchParams(request.body).values()].join(' ')}`,
        `also Bearer ${STRANGER_JWT} and ${STRANGER_MD5}`,
      ].join(' '),
    },
  })
}

describe('logHooks lines pass the same scrubbing as the authenticator logger', () => {
  let lines: string[]
  const servers: LoopbackServer[] = []
  const client = (
    server: LoopbackServer,
    authMethod: 'client_secret_basic' | 'client_secret_post',
  ) => {
    lines = []
    return createTokenClient({
      tokenEndpoint: `${server.url}/token`,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      authMethod,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
      hooks: logHooks((line) => lines.push(line)),
    })
  }
  beforeAll(async () => {
    servers.push(
      await startLoopbackServer(echo(503)),
      await startLoopbackServer(echo(401)),
      await startLoopbackServer(() => ({
        json: { access_token: ISSUED, token_type: 'Bearer', expires_in: 300 },
      })),
    )
  })
  afterAll(() => Promise.all(servers.map((s) => s.close())))

  for (const authMethod of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`keeps the secret, the echoed Basic credentials, a JWT and an MD5 out of retry and failure lines (${authMethod})`, async () => {
      await expect(client(servers[0]!, authMethod).getToken()).rejects.toThrow()
      expect(lines.filter((l) => l.includes('token request retry'))).toHaveLength(2)
      expect(lines.filter((l) => l.includes('token request failed'))).toHaveLength(1)
      expectClean(lines, [SECRET, STRANGER_JWT, STRANGER_MD5], CLIENT_ID)

      await expect(client(servers[1]!, authMethod).getToken()).rejects.toThrow()
      expect(lines.filter((l) => l.includes('token request failed'))).toHaveLength(1)
      expectClean(lines, [SECRET, STRANGER_JWT, STRANGER_MD5], CLIENT_ID)
    })
  }

  it('keeps the issued token out of fetched and cache-hit lines', async () => {
    const tokens = client(servers[2]!, 'client_secret_basic')
    expect(await tokens.getToken()).toBe(ISSUED)
    expect(await tokens.getToken()).toBe(ISSUED)
    expect(lines.map((l) => l.split(' client=')[0])).toEqual([
      'm2m-auth: token fetched',
      'm2m-auth: token served from cache',
    ])
    expectClean(lines, [SECRET, ISSUED], CLIENT_ID)
  })
})
