import { SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { run, type Io } from '@m2m-auth/cli'
import type { Diagnosis } from '@m2m-auth/core'
import {
  DEFAULT_RESOURCE,
  OTHER_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../support/issuer.js'
import { startJwks } from '../support/jwks-server.js'
import { createTestKey } from '../support/keys.js'
import { CASES } from '../../packages/core/test/id-token-cases.js'

let issuer: TestIssuer
beforeAll(async () => {
  issuer = await startIssuer()
})
afterAll(() => issuer.close())
afterEach(() => {
  issuer.proxy.mode = 'up'
})

interface Result {
  code: number
  stdout: string
  stderr: string
}

async function doctor(
  args: string[],
  { env = {}, stdin = '' }: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Result> {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    readStdin: () => Promise.resolve(stdin),
    env,
    cwd: process.cwd(),
  }
  const code = await run(['doctor', ...args], io)
  return { code, stdout, stderr }
}

const base = (): string[] => ['--issuer', issuer.issuer, '--audience', DEFAULT_RESOURCE]
const now = (): number => Math.floor(Date.now() / 1000)
const claims = (): Record<string, unknown> => ({
  iss: issuer.issuer,
  aud: DEFAULT_RESOURCE,
  sub: 'task-service',
  client_id: 'task-service',
  scope: 'event.view',
  iat: now(),
  exp: now() + 300,
})

/** The line for one check, as printed: mark, name, detail. */
const lineOf = (output: string, check: string): string =>
  output.split('\n').find((l) => new RegExp(`^  . ${check}\\s`).test(l)) ?? `(no ${check} line)`

describe('m2m-auth doctor', () => {
  it('checks discovery, keys and algorithms without a token, exit 0', async () => {
    const { code, stdout } = await doctor(base())
    expect(code).toBe(0)
    expect(lineOf(stdout, 'discovery')).toMatch(/^ {2}✓ discovery .*jwks_uri http:\/\/127\.0\.0\.1/)
    expect(lineOf(stdout, 'keys')).toContain(`1 key(s): ${issuer.key.kid} RSA RS256`)
    expect(lineOf(stdout, 'algorithms')).toMatch(/^ {2}✓/)
    expect(stdout).toContain('The issuer configuration works.')
  })

  it('accepts a real token from the issuer, exit 0', async () => {
    const token = await issuer.token('task-service', { scope: 'event.create event.view' })
    const { code, stdout } = await doctor([...base(), '--token', token])
    expect(code).toBe(0)
    expect(lineOf(stdout, 'signature')).toContain(`✓ signature`)
    expect(lineOf(stdout, 'audience')).toContain('matches')
    expect(lineOf(stdout, 'scopes')).toContain('scope (space-delimited string)')
    expect(stdout).toContain('This configuration would ACCEPT the token.')
    expect(stdout).not.toContain(token)
  })

  it('explains a wrong aud, exit 1', async () => {
    const token = await issuer.token('task-service', { resource: OTHER_RESOURCE })
    const { code, stdout } = await doctor([...base(), '--token', token])
    expect(code).toBe(1)
    expect(lineOf(stdout, 'audience')).toBe(
      `  ✗ audience       aud="${OTHER_RESOURCE}" is not one of ${DEFAULT_RESOURCE}`,
    )
    expect(lineOf(stdout, 'verdict')).toContain('ERR_TOKEN_AUDIENCE')
  })

  it('explains an expired token with how long ago and the tolerance', async () => {
    const token = await issuer.sign({ ...claims(), iat: now() - 900, exp: now() - 600 })
    const { code, stdout } = await doctor([...base(), '--token', token])
    expect(code).toBe(1)
    expect(lineOf(stdout, 'expiry')).toMatch(
      /✗ expiry\s+expired 10 min ago \(.*\), beyond the 5 s clock tolerance/,
    )
  })

  it('explains clock skew: expired seconds ago but within the tolerance, and iat in the future', async () => {
    const token = await issuer.sign({ ...claims(), iat: now() + 20, exp: now() - 3 })
    const { code, stdout } = await doctor([...base(), '--clock-tolerance', '30', '--token', token])
    expect(code).toBe(0)
    expect(lineOf(stdout, 'expiry')).toMatch(
      /! expiry\s+expired \d s ago; accepted only within the 30 s/,
    )
    expect(lineOf(stdout, 'clock')).toMatch(
      /iat is (19|20) s in the future: this machine's clock is behind/,
    )
  })

  it('explains an algorithm that is not allowed, and keys that cannot serve the allowlist', async () => {
    const token = await issuer.token('task-service')
    const { code, stdout } = await doctor([...base(), '--algorithms', 'ES256', '--token', token])
    expect(code).toBe(1)
    expect(lineOf(stdout, 'algorithms')).toContain('✗ algorithms')
    expect(lineOf(stdout, 'algorithm')).toContain('RS256 is not allowed (allowed: ES256)')
  })

  it('explains an unknown kid', async () => {
    const stranger = await createTestKey('RS256', 'k-not-published')
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: stranger.kid, typ: 'at+jwt' })
      .sign(stranger.privateKey)
    const { code, stdout } = await doctor([...base(), '--token', token])
    expect(code).toBe(1)
    expect(lineOf(stdout, 'signature')).toBe(
      '  ✗ signature      the token was signed with an unknown key (kid k-not-published)',
    )
  })

  it('explains a scope claim of the wrong shape, and scopes in a claim this config does not read', async () => {
    const odd = await issuer.sign({ ...claims(), scope: { read: true } })
    const first = await doctor([...base(), '--token', odd])
    expect(lineOf(first.stdout, 'scopes')).toContain(
      'scope is {"read":true}, neither a space-delimited string nor an array of strings',
    )
    const okta = await issuer.sign({ ...claims(), scope: undefined, scp: ['event.view'] })
    const second = await doctor([...base(), '--scope-claim', 'scope', '--token', okta])
    expect(lineOf(second.stdout, 'scopes')).toContain(
      'no scope claim, so no scopes; the token has scp: set scopeClaim or a preset',
    )
  })

  it('prints JSON for scripts with --json', async () => {
    const token = await issuer.token('task-service', { resource: OTHER_RESOURCE })
    const { code, stdout } = await doctor([...base(), '--json', '--token', token])
    expect(code).toBe(1)
    const diagnosis = JSON.parse(stdout) as Diagnosis
    expect(diagnosis.accepted).toBe(false)
    expect(diagnosis.code).toBe('ERR_TOKEN_AUDIENCE')
    expect(diagnosis.lines.find((l) => l.check === 'audience')?.status).toBe('fail')
  })

  it('reads the token from standard input with --token -', async () => {
    const token = await issuer.token('viewer', { scope: 'event.view' })
    const { code } = await doctor([...base(), '--token', '-'], { stdin: `${token}\n` })
    expect(code).toBe(0)
  })

  it('takes the configuration from M2M_AUTH_* variables when --issuer is absent', async () => {
    const token = await issuer.token('viewer')
    const { code, stdout } = await doctor(['--token', token], {
      env: { M2M_AUTH_ISSUER: issuer.issuer, M2M_AUTH_AUDIENCE: DEFAULT_RESOURCE },
    })
    expect(code).toBe(0)
    expect(stdout).toContain('ACCEPT')
  })

  it('reports an unreachable issuer, exit 1', async () => {
    issuer.proxy.mode = 'down'
    const { code, stdout } = await doctor(base())
    expect(code).toBe(1)
    expect(lineOf(stdout, 'discovery')).toMatch(/^ {2}✗ discovery/)
  })

  it('applies a preset: explains a Cognito ID token offered as an access token', async () => {
    const jwks = await startJwks()
    try {
      const pool = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'
      const idToken = await jwks.sign({
        iss: pool,
        aud: '1example23456789',
        sub: 'user-1',
        token_use: 'id',
      })
      const args = ['--preset', 'cognito', '--issuer', pool, '--audience', '1example23456789']
      const { code, stdout } = await doctor([...args, '--jwks-uri', jwks.url, '--token', idToken])
      expect(code).toBe(1)
      expect(lineOf(stdout, 'audience')).toBe(
        '  ✗ audience       client_id=undefined is not one of 1example23456789',
      )
      expect(lineOf(stdout, 'claims')).toBe(
        '  ✗ claims         the token token_use claim is not access',
      )
      expect(lineOf(stdout, 'signature')).toMatch(/✓ signature/)
    } finally {
      await jwks.close()
    }
  })

  it('says a real access token is an access token', async () => {
    const token = await issuer.token('task-service', { scope: 'event.view' })
    const { code, stdout } = await doctor([...base(), '--token', token])
    expect(code).toBe(0)
    expect(lineOf(stdout, 'token kind')).toMatch(/^ {2}✓ token kind\s+an access token$/)
  })

  it('fails the token kind line for an ID token with at_hash, though every other check passes', async () => {
    // The ID-token shape of id-token-cases.ts ("no preset"), signed by the issuer's own key
    // with an audience this configuration accepts: only the kind of token is wrong.
    const idToken = await issuer.sign(
      {
        iss: issuer.issuer,
        aud: DEFAULT_RESOURCE,
        sub: 'user-1',
        email: 'ada@example.com',
        at_hash: 'x4Q8h9RNoDTcNWEv8Gbs1w',
        iat: now(),
        exp: now() + 300,
      },
      { typ: 'JWT' },
    )
    const { code, stdout } = await doctor([...base(), '--token', idToken])
    expect(code).toBe(1)
    expect(lineOf(stdout, 'token kind')).toMatch(
      /^ {2}✗ token kind\s+the token is an ID token \(it has at_hash\)$/,
    )
    for (const check of ['signature', 'issuer', 'audience', 'expiry']) {
      expect(lineOf(stdout, check)).toMatch(/^ {2}✓/)
    }
    expect(lineOf(stdout, 'verdict')).toContain('ERR_TOKEN_TYPE')
  })

  it('with the hydra preset, fails the token kind line for ID tokens with and without at_hash', async () => {
    const hydra = CASES.find((c) => c.name === 'hydra')!
    const jwks = await startJwks()
    try {
      // The hydra preset needs introspection configured, which only M2M_AUTH_* variables carry.
      const env = {
        M2M_AUTH_PRESET: 'hydra',
        M2M_AUTH_ISSUER: hydra.options.issuer,
        M2M_AUTH_AUDIENCE: [hydra.options.audience].flat().join(','),
        M2M_AUTH_JWKS_URI: jwks.url,
        M2M_AUTH_INTROSPECTION_ENDPOINT: hydra.options.introspection!.endpoint!,
        M2M_AUTH_INTROSPECTION_CLIENT_ID: 'calendar-api',
        M2M_AUTH_INTROSPECTION_CLIENT_SECRET: 'calendar-api-secret',
      }
      const expected: Record<string, string> = {
        'an ID token': 'the token is an ID token (it has at_hash)',
        'an ID token without at_hash': 'the token is not an access token (it has no client_id)',
      }
      for (const [name, claims] of Object.entries(hydra.refused)) {
        const token = await jwks.sign(claims, { typ: 'JWT' })
        const { code, stdout } = await doctor(['--token', token], { env })
        expect(code).toBe(1)
        const kind = lineOf(stdout, 'token kind')
        expect(kind).toMatch(/^ {2}✗ token kind\s/)
        expect(kind.endsWith(` ${expected[name]}`)).toBe(true)
      }
    } finally {
      await jwks.close()
    }
  })

  it('answers a usage error with exit 2', async () => {
    const { code, stderr } = await doctor(['--issuer', issuer.issuer])
    expect(code).toBe(2)
    expect(stderr).toContain('--audience is required')
  })
})
