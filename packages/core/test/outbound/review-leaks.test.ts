import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenClient, TokenRequestError } from '@m2m-auth/core'
import { scrub } from '../../src/telemetry/log.js'
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js'

const SECRET = 'S3cr3t/with+chars&more'
let server: LoopbackServer
let answer: { error: string; error_description?: string } = { error: 'invalid_client' }

beforeAll(async () => {
  server = await startLoopbackServer(() => ({ status: 400, json: answer }))
})
afterAll(() => server?.close())

async function failure(): Promise<TokenRequestError> {
  const client = createTokenClient({
    tokenEndpoint: `${server.url}/token`,
    clientId: 'svc',
    clientSecret: SECRET,
    retry: { retries: 0 },
  })
  const error = await client.getToken().catch((e: unknown) => e)
  expect(error).toBeInstanceOf(TokenRequestError)
  return error as TokenRequestError
}

describe('what an issuer sends back never carries a secret out', () => {
  it('keeps an OAuth error code, and drops an "error" that is not one (an echoed secret or header)', async () => {
    answer = { error: 'invalid_client' }
    expect((await failure()).oauthError).toBe('invalid_client')
    answer = { error: `invalid_client ${SECRET}` }
    let error = await failure()
    expect(error.oauthError).toBeUndefined()
    expect(JSON.stringify(error)).not.toContain('S3cr3t')
    const basic = Buffer.from(`svc:${encodeURIComponent(SECRET)}`).toString('base64')
    answer = { error: `bad Basic ${basic}` }
    error = await failure()
    expect(JSON.stringify(error)).not.toContain(basic.slice(0, 12))
  })

  it('bounds a huge error_description before redacting it, and the message after', async () => {
    answer = { error: 'invalid_request', error_description: 'eyJ'.repeat(20_000) }
    const error = await failure()
    expect(error.message.length).toBeLessThan(700)
  })
})

describe('scrub, the one pass every log line takes', () => {
  it('writes line breaks, controls and bidirectional characters escaped, so no line is forged', () => {
    const line = scrub('till "x\r\n2024 INFO forged\u001b[2J\u2028\u202eabc\u009b" locked')
    for (const c of ['\r', '\n', '\u001b', '\u2028', '\u202e', '\u009b'])
      expect(line).not.toContain(c)
    expect(line).toContain('\\u000d\\u000a2024 INFO forged')
  })

  it('keeps m2m-auth words readable and redacts what looks like credentials', () => {
    expect(scrub('m2m-auth: refused bearer 401 ERR_TOKEN_EXPIRED')).toContain('bearer 401')
    expect(scrub('Basic authentication is no longer accepted')).toContain('Basic authentication')
    expect(scrub('sent Basic dGlsbDo1ZjRkY2MzYjVhYTc2NWQ2MWQ4MzI3ZGViODgyY2Y5OQ==')).toBe(
      'sent Basic [REDACTED]',
    )
    expect(scrub('at https://user:pw@idp.test/jwks?api_key=k1')).toBe(
      'at https://[REDACTED]@idp.test/jwks?[REDACTED]',
    )
  })
})
