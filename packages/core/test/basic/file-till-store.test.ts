import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuthenticator, fileTillStore } from '@m2m-auth/core'

const SECRET = `md5:${'a'.repeat(32)}`
const till = (tillId: string, extra: object = {}): object => ({
  tillId,
  secret: SECRET,
  scopes: ['stock.read'],
  ...extra,
})

let dir: string
let path: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tills-'))
  path = join(dir, 'tills.json')
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** Writes atomically, as the CLI does, so the inode changes with every version. */
async function save(content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content)
  await rename(`${path}.tmp`, path)
}

describe('fileTillStore', () => {
  it('reads { tills: [...] } and bare arrays', async () => {
    await save(JSON.stringify({ tills: [till('T-1', { store: 'S-1' })] }))
    const store = fileTillStore(path)
    expect(await store.find('T-1')).toEqual(till('T-1', { store: 'S-1' }))
    expect(await store.find('T-2')).toBeUndefined()
    await save(JSON.stringify([till('T-2')]))
    await store.refresh()
    expect(await store.find('T-2')).toMatchObject({ tillId: 'T-2' })
  })

  it('picks up changes to the file without a restart', async () => {
    await save(JSON.stringify({ tills: [till('T-1')] }))
    const store = fileTillStore(path, { checkIntervalMs: 0 })
    expect(await store.find('T-1')).toBeDefined()
    await save(JSON.stringify({ tills: [till('T-1', { migrated: true }), till('T-9')] }))
    expect(await store.find('T-1')).toMatchObject({ migrated: true })
    expect(await store.find('T-9')).toBeDefined()
  })

  it('only stats the file once per check interval', async () => {
    await save(JSON.stringify({ tills: [till('T-1')] }))
    const store = fileTillStore(path, { checkIntervalMs: 60_000 })
    expect(await store.find('T-1')).toBeDefined()
    await save(JSON.stringify({ tills: [] }))
    expect(await store.find('T-1')).toBeDefined() // not re-read yet
    await store.refresh()
    expect(await store.find('T-1')).toBeUndefined()
  })

  it('keeps the last good contents when the file breaks, and reports it once without its contents', async () => {
    await save(JSON.stringify({ tills: [till('T-1')] }))
    const errors: Error[] = []
    const store = fileTillStore(path, { checkIntervalMs: 0, onError: (e) => errors.push(e) })
    expect(await store.find('T-1')).toBeDefined()
    await save(`{ "tills": [ { "tillId": "T-1", "secret": "${SECRET}"`)
    expect(await store.find('T-1')).toBeDefined()
    expect(await store.find('T-1')).toBeDefined()
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toContain('not valid JSON')
    expect(errors[0]!.message).not.toContain('aaaa')
    await save(JSON.stringify({ tills: [till('T-1'), till('T-1')] }))
    expect(await store.find('T-1')).toBeDefined()
    expect(errors[1]!.message).toMatch(/tills\[1\]" repeats till "T-1"/)
    await save(JSON.stringify({ tills: [till('T-2')] }))
    expect(await store.find('T-2')).toBeDefined()
    expect(errors).toHaveLength(2)
  })

  it('rejects when there never was a good copy, and authenticate answers 503', async () => {
    const errors: Error[] = []
    const store = fileTillStore(path, { allowMissing: true, onError: (e) => errors.push(e) })
    await expect(store.find('T-1')).rejects.toThrow('the till store is unavailable')
    expect(errors[0]!.message).toContain('ENOENT')
    const authenticator = createAuthenticator({
      bearer: { issuer: 'https://idp.example.test/', audience: 'pos' },
      basic: { tills: store },
    })
    const authorization = `Basic ${Buffer.from(`T-1:${'a'.repeat(32)}`).toString('base64')}`
    await expect(authenticator.authenticate({ authorization })).rejects.toMatchObject({
      status: 503,
      code: 'ERR_TILL_STORE_UNAVAILABLE',
      headers: { 'Retry-After': '5' },
    })
  })

  it('validates its options with TypeError', () => {
    expect(() => fileTillStore('')).toThrow(/"path"/)
    expect(() => fileTillStore(path, { checkIntervalMs: -1 })).toThrow(/"checkIntervalMs"/)
  })
})
