import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run, type Io } from '@m2m-auth/cli'
import { createAuthenticator } from '@m2m-auth/core'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  createSignerClient,
  startIssuer,
  type TestIssuer,
} from '../../../test/support/issuer.js'
import type { TestKey } from '../../../test/support/keys.js'

const SECRET = DEFAULT_CLIENTS[0]!.client_secret!
let issuer: TestIssuer
let dir: string
let signingKey: TestKey

beforeAll(async () => {
  const signer = await createSignerClient()
  signingKey = signer.key
  issuer = await startIssuer({
    clients: [...DEFAULT_CLIENTS, signer.client],
  })
  dir = await mkdtemp(join(tmpdir(), 'm2m-auth-cli-'))
})
afterAll(async () => {
  await issuer?.close()
  await rm(dir, { recursive: true, force: true })
})

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: () => Promise.resolve(''),
    env,
    cwd: dir,
  }
  const code = await run(['token', ...args], io)
  return { code, stdout, stderr }
}

const base = ['--issuer', '', '--client-id', 'task-service', '--resource', DEFAULT_RESOURCE]
const args = (...more: string[]) => {
  const list = [...base, ...more]
  list[1] = issuer.issuer
  return list
}

describe('m2m-auth token', () => {
  it('prints just a token the API accepts, with the secret from M2M_AUTH_CLIENT_SECRET', async () => {
    const out = await cli(args('--scope', 'event.create'), { M2M_AUTH_CLIENT_SECRET: SECRET })
    expect(out).toMatchObject({ code: 0, stderr: '' })
    expect(out.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    const authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    const principal = await authenticator.authenticate({
      authorization: `Bearer ${out.stdout.trim()}`,
    })
    expect(principal.clientId).toBe('task-service')
    expect([...principal.scopes]).toEqual(['event.create'])
  })

  it('reads the secret from --client-secret-file and prints JSON with --json', async () => {
    await writeFile(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 })
    const out = await cli(args('--client-secret-file', 'secret', '--json', '--scope', 'event.view'))
    expect(out.code).toBe(0)
    const body = JSON.parse(out.stdout) as Record<string, unknown>
    // RFC 6749 §7.1: token_type is case-insensitive; oauth4webapi normalizes it to lower case.
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'event.view' })
    expect(body.expires_in).toBeGreaterThan(290)
    expect(body.headers).toEqual({ authorization: `Bearer ${String(body.access_token)}` })
  })

  it('authenticates with private_key_jwt from --private-key-file (a JWK)', async () => {
    await writeFile(join(dir, 'key.json'), JSON.stringify(signingKey.privateJwk), { mode: 0o600 })
    const out = await cli([
      '--issuer',
      issuer.issuer,
      '--client-id',
      'signer',
      '--resource',
      DEFAULT_RESOURCE,
      '--private-key-file',
      'key.json',
    ])
    expect(out).toMatchObject({ code: 0, stderr: '' })
    const authenticator = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
    })
    const principal = await authenticator.authenticate({
      authorization: `Bearer ${out.stdout.trim()}`,
    })
    expect(principal.clientId).toBe('signer')
  })

  it('refuses --client-secret on the command line', async () => {
    for (const flag of [['--client-secret', SECRET], [`--client-secret=${SECRET}`]]) {
      const out = await cli(args(...flag))
      expect(out.code).toBe(2)
      expect(out.stdout).toBe('')
      expect(out.stderr).toMatch(/--client-secret is refused: a secret on the command line/)
      expect(out.stderr).toMatch(/M2M_AUTH_CLIENT_SECRET or use --client-secret-file/)
      expect(out.stderr).not.toContain(SECRET)
    }
  })

  it('says where the secret should come from when there is none', async () => {
    const out = await cli(args())
    expect(out.code).toBe(2)
    expect(out.stderr).toMatch(/no client secret: set M2M_AUTH_CLIENT_SECRET/)
  })

  it('names invalid_client without printing the secret', async () => {
    const wrong = 'definitely-not-the-secret-0123456789'
    const out = await cli(args(), { M2M_AUTH_CLIENT_SECRET: wrong })
    expect(out.code).toBe(1)
    expect(out.stdout).toBe('')
    expect(out.stderr).toMatch(
      /^m2m-auth token: the token endpoint refused the request with HTTP 401: invalid_client/,
    )
    expect(out.stderr).not.toContain(wrong)
  })

  it('reports an unreachable issuer', async () => {
    issuer.proxy.mode = 'down'
    try {
      const out = await cli(args(), { M2M_AUTH_CLIENT_SECRET: SECRET })
      expect(out.code).toBe(1)
      expect(out.stderr).toMatch(/^m2m-auth token: issuer unreachable: /)
    } finally {
      issuer.proxy.mode = 'up'
    }
  })

  it('logs requests to stderr with --verbose, keeping stdout for the token', async () => {
    const out = await cli(args('--verbose'), { M2M_AUTH_CLIENT_SECRET: SECRET })
    expect(out.code).toBe(0)
    expect(out.stderr).toMatch(/^m2m-auth: token fetched client=task-service /)
    expect(out.stderr).not.toContain(SECRET)
    expect(out.stderr).not.toContain(out.stdout.trim())
  })

  it('turns option mistakes into usage errors', async () => {
    const out = await cli(args('--preset', 'nope'), { M2M_AUTH_CLIENT_SECRET: SECRET })
    expect(out.code).toBe(2)
    expect(out.stderr).toMatch(/--preset must be one of auth0, okta, .*, generic; got "nope"/)
    const audience = await cli(args('--preset', 'okta', '--audience', 'api://x'), {
      M2M_AUTH_CLIENT_SECRET: SECRET,
    })
    expect(audience.code).toBe(2)
    expect(audience.stderr).toMatch(/"audience" is not sent to okta/)
    const missing = await cli(['--client-id', 'x'], { M2M_AUTH_CLIENT_SECRET: SECRET })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--issuer or --token-endpoint is required/)
  })
})
