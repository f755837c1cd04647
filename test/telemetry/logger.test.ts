import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { createAuthenticator, memoryTillStore } from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { startLoopbackServer } from '../../packages/core/test/outbound/loopback-server.js'
import { ADAPTERS, send, startApp, type RunningApp } from '../support/apps.js'
import { DEFAULT_RESOURCE } from '../support/issuer.js'
import { findLeak } from '../support/leaks.js'
import { useRedis } from '../support/redis.js'
import { basicAuth, md5, PASSWORDS } from '../support/tills.js'
import { captureWarnings } from '../support/warnings.js'
import { captureLogger } from './capture-logger.js'
import { useTelemetryFixture } from './fixture.js'

const fixture = useTelemetryFixture()
const redis = useRedis()
const warnings = captureWarnings()
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** Every credential a test sent, in the forms findLeak knows (raw, base64, hex, MD5...). */
const sent: string[] = []
const till = (id: string, password: string): Record<string, string> => {
  sent.push(password, md5(password), `${id}:${md5(password)}`)
  return basicAuth(id, md5(password))
}
const expectNoLeak = (lines: readonly string[]): void => {
  expect(lines.length).toBeGreaterThan(0)
  for (const line of lines) expect(findLeak(line, sent), line).toBeUndefined()
}

describe.each(ADAPTERS)('refusals through %s', (adapter) => {
  const log = captureLogger()
  let app: RunningApp
  beforeAll(async () => {
    app = await startApp(adapter, fixture.authenticators({ logger: log.logger }))
  })
  afterAll(() => app?.close())

  it('logs each refusal at debug with its scheme, status, code and reason intact, and nothing at warn', async () => {
    const { issuer } = fixture
    const now = Math.floor(Date.now() / 1000)
    const expired = await issuer.sign({
      iss: issuer.issuer,
      aud: DEFAULT_RESOURCE,
      sub: 'task-service',
      iat: now - 600,
      exp: now - 300,
    })
    sent.push(expired)
    await send(`${app.url}/events`)
    await send(`${app.url}/events`, { headers: bearer(expired) })
    await send(`${app.url}/stock`, { headers: till('T-100', 'not the till 100 password') })
    expect(log.at('debug')).toEqual([
      'm2m-auth: refused none 401 ERR_CREDENTIALS_MISSING: authentication is required',
      expect.stringMatching(/^m2m-auth: refused bearer 401 ERR_TOKEN_EXPIRED: .*expired/),
      expect.stringMatching(/^m2m-auth: refused basic 401 ERR_CREDENTIALS_INVALID: /),
    ])
    expect(log.at('warn')).toEqual([])
    expectNoLeak(log.texts())
  })
})

describe('refusal lines', () => {
  it('keeps reasons that name the Bearer or Basic scheme readable', async () => {
    const log = captureLogger()
    const basicOnly = createAuthenticator({
      basic: { tills: memoryTillStore([]) },
      logger: log.logger,
    })
    const bearerOnly = createAuthenticator({
      bearer: { issuer: fixture.issuer.issuer, audience: DEFAULT_RESOURCE },
      basic: { tills: memoryTillStore([]), mode: 'deny' },
      logger: log.logger,
    })
    const code = { code: 'ERR_SCHEME_DISABLED' }
    await expect(basicOnly.authenticate(bearer('some-token-0123456789'))).rejects.toMatchObject(
      code,
    )
    await expect(bearerOnly.authenticate(till('T-100', 'any password'))).rejects.toMatchObject(code)
    expect(log.at('debug')).toEqual([
      expect.stringContaining(
        ': Bearer tokens are not accepted here (no token issuer is configured)',
      ),
      expect.stringContaining(
        ': Basic authentication is no longer accepted; use OAuth (a Bearer token)',
      ),
    ])
  })
})

describe('warnings', () => {
  it('logs an issuer outage once at warn, with its cause, and no response body', async () => {
    const { issuer } = fixture
    const token = await issuer.token('task-service')
    sent.push(token)
    const log = captureLogger()
    const authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
      logger: log.logger,
    })
    // The issuer's error page quotes the caller's credentials back, as some gateways do.
    const echo = `Bearer ${token} ${md5(PASSWORDS['T-100']!)}`
    for (const path of [
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ]) {
      issuer.proxy.script(path, [{ status: 500, body: echo }])
    }
    await expect(authenticator.authenticate(bearer(token))).rejects.toMatchObject({ status: 503 })
    issuer.proxy.mode = 'down'
    try {
      await expect(authenticator.authenticate(bearer(token))).rejects.toMatchObject({ status: 503 })
    } finally {
      issuer.proxy.mode = 'up'
    }
    expect(log.lines).toEqual([
      {
        level: 'warn',
        line: expect.stringMatching(
          /^m2m-auth: refused bearer \S+ ERR_ISSUER_UNAVAILABLE: .* \(discovery of http:\/\/127\.0\.0\.1:\d+ failed; repeated at most once a minute\)$/,
        ) as string,
      },
    ])
    expectNoLeak(log.texts())
  })

  it('logs a lockout at warn with the till id, and a swapped-in MD5 never reaches the line', async () => {
    const log = captureLogger()
    const app = await startApp('express', fixture.authenticators({ logger: log.logger }))
    try {
      for (let i = 0; i < 3; i++)
        await send(`${app.url}/stock`, { headers: till('T-LOCK', `no ${i}`) })
      // A till configured with its fields swapped: the MD5 of its password where the id goes.
      const swapped = md5(PASSWORDS['T-100']!)
      sent.push(swapped)
      for (let i = 0; i < 3; i++) {
        await send(`${app.url}/stock`, { headers: basicAuth(swapped, `guess ${i}`) })
      }
    } finally {
      await app.close()
    }
    expect(log.at('warn')).toEqual([
      'm2m-auth: till "T-LOCK" locked out for 60 s after 3 failed attempts',
      'm2m-auth: till "[REDACTED]" locked out for 60 s after 3 failed attempts',
    ])
    expectNoLeak(log.texts())
  })

  it('logs a store fallback at warn when Redis dies, and its recovery at info', async () => {
    const log = captureLogger()
    const client = createClient({
      url: redis.server.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 50 },
    })
    client.on('error', () => undefined)
    await client.connect()
    const store = redisStore(client, { prefix: 'logger:' })
    const app = await startApp('express', fixture.authenticators({ logger: log.logger, store }))
    let killed = false
    try {
      expect(
        (await send(`${app.url}/stock`, { headers: till('T-100', PASSWORDS['T-100']!) })).status,
      ).toBe(200)
      await redis.server.kill()
      killed = true
      expect(
        (await send(`${app.url}/stock`, { headers: till('T-101', PASSWORDS['T-101']!) })).status,
      ).toBe(200)
      await redis.server.restart()
      killed = false
      for (let i = 0; log.at('info').length === 0 && i < 100; i++) {
        await send(`${app.url}/stock`, { headers: till(`T-NOBODY-${i}`, 'x') })
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    } finally {
      if (killed) await redis.server.restart() // the next test gets a live Redis either way
      await app.close()
      client.destroy()
    }
    expect(log.at('warn')).toEqual([
      expect.stringMatching(
        /^m2m-auth: the shared store is unavailable \(.+\); using in-process state$/,
      ),
    ])
    expect(log.at('info')).toEqual(['m2m-auth: the shared store is back; sharing state again'])
    expect(warnings.messages).toHaveLength(2)
    expectNoLeak(log.texts())
  })

  it('keeps a credential in the configured JWKS URL query out of the outage line', async () => {
    const apiKey = 'jwks-api-key-0123456789abcdefghij'
    sent.push(apiKey)
    const keyless = await startLoopbackServer(() => ({ json: { keys: 'none' } }))
    const log = captureLogger()
    try {
      const authenticator = createAuthenticator({
        bearer: {
          issuer: fixture.issuer.issuer,
          audience: DEFAULT_RESOURCE,
          jwksUri: `${keyless.url}/jwks?api_key=${apiKey}`,
        },
        logger: log.logger,
      })
      const token = await fixture.issuer.token('task-service')
      await expect(authenticator.authenticate(bearer(token))).rejects.toMatchObject({ status: 503 })
    } finally {
      await keyless.close()
    }
    expect(log.at('warn')).toHaveLength(1)
    expectNoLeak(log.texts())
  })
})
