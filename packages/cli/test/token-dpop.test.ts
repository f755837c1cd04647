import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { calculateJwkThumbprint, decodeJwt, EmbeddedJWK, jwtVerify, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run, type Io } from '@m2m-auth/cli'
import {
  DEFAULT_CLIENTS,
  DEFAULT_RESOURCE,
  startIssuer,
  type TestIssuer,
} from '../../../test/support/issuer.js'
import { createTestKey } from '../../../test/support/keys.js'

const SECRET = DEFAULT_CLIENTS[0]!.client_secret!
const HTU = 'https://calendar.example.test/events'
let issuer: TestIssuer
let dir: string

beforeAll(async () => {
  issuer = await startIssuer() // oidc-provider 9: features.dPoP is on by default
  dir = await mkdtemp(join(tmpdir(), 'm2m-auth-cli-dpop-'))
})
afterAll(async () => {
  await issuer?.close()
  await rm(dir, { recursive: true, force: true })
})

async function cli(more: string[]) {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: () => Promise.resolve(''),
    env: { M2M_AUTH_CLIENT_SECRET: SECRET },
    cwd: dir,
  }
  const args = ['token', '--issuer', issuer.issuer, '--client-id', 'task-service']
  const code = await run([...args, '--resource', DEFAULT_RESOURCE, ...more], io)
  return { code, stdout, stderr }
}

async function proofClaims(proof: string) {
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' })
  return { payload, jkt: await calculateJwkThumbprint(protectedHeader.jwk as JWK) }
}

describe('m2m-auth token --dpop', () => {
  it('prints a DPoP-bound token, then a proof for --htm and --htu bound to it', async () => {
    const out = await cli(['--dpop', '--htm', 'post', '--htu', `${HTU}?draft=1`])
    expect(out).toMatchObject({ code: 0, stderr: '' })
    const [token, proof, rest] = out.stdout.split('\n')
    expect(rest).toBe('')
    const { payload, jkt } = await proofClaims(proof!)
    expect(payload).toMatchObject({ htm: 'POST', htu: HTU })
    expect(payload.ath).toBe(createHash('sha256').update(token!).digest('base64url'))
    expect((decodeJwt(token!).cnf as { jkt: string }).jkt).toBe(jkt)
  })

  it('binds the token to --dpop-key-file and prints the ready headers with --json', async () => {
    const key = await createTestKey('ES256')
    await writeFile(join(dir, 'dpop.json'), JSON.stringify(key.privateJwk), { mode: 0o600 })
    const out = await cli(['--dpop', '--dpop-key-file', 'dpop.json', '--htu', HTU, '--json'])
    expect(out.code).toBe(0)
    const body = JSON.parse(out.stdout) as {
      access_token: string
      token_type: string
      dpop_proof: string
      headers: Record<string, string>
    }
    expect(body.token_type.toLowerCase()).toBe('dpop')
    expect(body.headers).toEqual({
      authorization: `DPoP ${body.access_token}`,
      dpop: body.dpop_proof,
    })
    const { payload, jkt } = await proofClaims(body.dpop_proof)
    expect(payload).toMatchObject({ htm: 'GET', htu: HTU })
    expect(jkt).toBe(await calculateJwkThumbprint(key.publicJwk))
    expect((decodeJwt(body.access_token).cnf as { jkt: string }).jkt).toBe(jkt)
    expect(out.stdout).not.toContain(String(key.privateJwk.d))
  })

  it.each([
    [['--dpop'], /--htu is required/],
    [['--dpop', '--htu', 'not a url'], /--htu must be an absolute URL/],
    [['--dpop', '--htu', HTU, '--htm', 'GET /x'], /--htm must be an HTTP method/],
    [['--htu', HTU], /--htu needs --dpop/],
    [['--dpop-key-file', 'k.pem'], /--dpop-key-file needs --dpop/],
  ])('turns %j into a usage error', async (args, message) => {
    const out = await cli(args)
    expect(out.code).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr).toMatch(message)
  })

  it('refuses an unusable --dpop-key-file without printing it', async () => {
    await writeFile(join(dir, 'bad.pem'), 'not-a-key-SECRETISH-0123', { mode: 0o600 })
    const out = await cli(['--dpop', '--dpop-key-file', 'bad.pem', '--htu', HTU])
    expect(out.code).toBe(2)
    expect(out.stderr).toMatch(/"dpop.privateKey" must be a PKCS#8 PEM/)
    expect(out.stderr).not.toContain('SECRETISH')
  })
})
