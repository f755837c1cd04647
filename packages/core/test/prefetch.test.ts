import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAuthenticator, fileTillStore, isAuthError } from '@m2m-auth/core'
import { rejection } from '../../../test/support/assert.js'
import { startJwks, type LoopbackJwks } from '../../../test/support/jwks-server.js'
import { startLoopbackServer, type LoopbackServer } from './outbound/loopback-server.js'

const SECRET = `md5:${'a'.repeat(32)}`
const TILL = { tillId: 'T-1', secret: SECRET, scopes: ['stock.read'] }
const basicHeader = `Basic ${Buffer.from(`T-1:${'a'.repeat(32)}`).toString('base64')}`

describe('prefetch() names the issuer it cannot reach', () => {
  let down: LoopbackServer
  let up: LoopbackJwks
  beforeAll(async () => {
    down = await startLoopbackServer(() => ({ status: 500, json: { error: 'boom' } }))
    up = await startJwks()
  })
  afterAll(() => Promise.all([down?.close(), up?.close()]))

  it('rejects with a 503 whose description names the issuer, the failure kept in cause', async () => {
    const issuer = `${down.url}/`
    const authenticator = createAuthenticator({
      bearer: [
        { issuer: 'https://up.example.test/', audience: 'x', jwksUri: `${up.url}/jwks.json` },
        { issuer, audience: 'x' },
      ],
    })
    const error = await rejection(authenticator.prefetch())
    expect(error.message).toBe(`the token issuer ${issuer} is temporarily unavailable`)
    expect(error).toMatchObject({ status: 503, code: 'ERR_ISSUER_UNAVAILABLE' })
    expect(error.headers['Retry-After']).toMatch(/^\d+$/)
    // What failed, and where, is for the logs (cause), not for the client (description).
    expect(error.toJSON()).toEqual({
      error: 'temporarily_unavailable',
      error_description: `the token issuer ${issuer} is temporarily unavailable`,
    })
    expect(String((error.cause as Error).message)).toMatch(/discovery|HTTP 500/)
  })

  it('still answers requests with the generic 503 description', async () => {
    const authenticator = createAuthenticator({ bearer: { issuer: `${down.url}/`, audience: 'x' } })
    const token = await up.sign({ iss: `${down.url}/`, aud: 'x', sub: 's' })
    const error = await rejection(authenticator.authenticate({ authorization: `Bearer ${token}` }))
    expect(error.status).toBe(503)
    expect(error.message).toBe('the token issuer is temporarily unavailable')
  })
})

describe('prefetch() loads the till file', () => {
  let dir: string
  let path: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prefetch-tills-'))
    path = join(dir, 'tills.json')
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('reads it ahead, so the first request finds its till without waiting on the file', async () => {
    await writeFile(path, JSON.stringify({ tills: [TILL] }))
    const tills = fileTillStore(path, { checkIntervalMs: 60_000 })
    await createAuthenticator({ basic: { tills } }).prefetch()
    expect(tills.find('T-1')).toMatchObject({ tillId: 'T-1' }) // a record, not a promise
  })

  it('rejects naming the file when it cannot be read', async () => {
    const tills = fileTillStore(path, { allowMissing: true, onError: () => undefined })
    const authenticator = createAuthenticator({ basic: { tills } })
    const error = await authenticator.prefetch().then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toBe(`the till store is unavailable: ${path} cannot be read (ENOENT)`)
    // A request meanwhile is a 503 that names nothing of the server's files.
    const refused = await rejection(authenticator.authenticate({ authorization: basicHeader }))
    expect(refused.status).toBe(503)
    expect(JSON.stringify(refused.toJSON())).not.toContain(dir)
    expect(refused.headers['WWW-Authenticate']).toBeUndefined()
  })

  it('rejects naming the file, not quoting it, when it is not valid JSON', async () => {
    await writeFile(path, `{ "tills": [ { "tillId": "T-1", "secret": "${SECRET}"`)
    const tills = fileTillStore(path, { onError: () => undefined })
    const error = await createAuthenticator({ basic: { tills } })
      .prefetch()
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      )
    expect(isAuthError(error)).toBe(false)
    expect(error?.message).toBe(`the till store is unavailable: ${path}: not valid JSON`)
    expect(error?.message).not.toContain('aaaa')
  })
})

describe('fileTillStore fails fast where the problem is certain', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-till-store-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('refuses a path where nothing exists, naming it', () => {
    const path = join(dir, 'tils.json')
    expect(() => fileTillStore(path)).toThrow(
      new TypeError(
        `"path" ${JSON.stringify(path)} does not exist; pass { allowMissing: true } if the file is written after start`,
      ),
    )
  })

  it('refuses a directory', () => {
    expect(() => fileTillStore(dir)).toThrow(
      new TypeError(`"path" ${JSON.stringify(dir)} is not a file`),
    )
  })

  it('accepts a file written after start with allowMissing, and reads it once it is there', async () => {
    const path = join(dir, 'tills.json')
    const tills = fileTillStore(path, { allowMissing: true, onError: () => undefined })
    await expect(tills.refresh()).rejects.toThrow('ENOENT')
    await writeFile(path, JSON.stringify([TILL]))
    await tills.refresh()
    expect(await tills.find('T-1')).toMatchObject({ tillId: 'T-1' })
  })
})
