import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  inspectTillSecret,
  memoryTillStore,
  type TillRecord,
} from '@m2m-auth/core'
import { run } from '../src/main.js'
import { fakeIo } from './io.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const FAST = ['--cost-ln', '8']
const PEPPER = 'pepper-of-at-least-16-bytes'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm2m-tills-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

async function storeFile(name = 'tills.json'): Promise<TillRecord[]> {
  return (JSON.parse(await readFile(join(dir, name), 'utf8')) as { tills: TillRecord[] }).tills
}

/** Authenticates T-1 with `md5hex` against a stored secret, the way a server would. */
async function verifies(secret: string, md5hex: string, pepper?: string): Promise<boolean> {
  const authenticator = createAuthenticator({
    bearer: { issuer: 'https://idp.example.test/', audience: 'pos' },
    basic: { tills: memoryTillStore([{ tillId: 'T-1', secret, scopes: [] }]), pepper },
  })
  const authorization = `Basic ${Buffer.from(`T-1:${md5hex}`).toString('base64')}`
  return authenticator.authenticate({ authorization }).then(
    () => true,
    () => false,
  )
}

describe('m2m-auth tills hash', () => {
  it('hashes a password from stdin into the stored scrypt form of its MD5', async () => {
    const io = fakeIo(dir, { stdin: 'till password\n' })
    expect(await run(['tills', 'hash', ...FAST], io)).toBe(0)
    const stored = io.out().trim()
    expect(inspectTillSecret(stored)).toMatchObject({ kind: 'scrypt', cost: { ln: 8 } })
    expect(await verifies(stored, md5('till password'))).toBe(true)
    expect(await verifies(stored, md5('till password\n'))).toBe(false)
  })

  it('with --md5 takes the MD5 hex itself, and applies the pepper from the environment', async () => {
    const io = fakeIo(dir, {
      stdin: md5('pw').toUpperCase(),
      env: { M2M_AUTH_TILL_PEPPER: PEPPER },
    })
    expect(await run(['tills', 'hash', '--md5', ...FAST], io)).toBe(0)
    const stored = io.out().trim()
    expect(await verifies(stored, md5('pw'), PEPPER)).toBe(true)
    expect(await verifies(stored, md5('pw'))).toBe(false)
  })

  it('refuses a secret on the command line without echoing it', async () => {
    const io = fakeIo(dir, { stdin: 'x' })
    expect(await run(['tills', 'hash', 'hunter2-secret'], io)).toBe(2)
    expect(io.err()).toContain('never the command line')
    expect(io.err()).not.toContain('hunter2')
  })

  it('refuses empty input, a bad --md5 input and a short pepper', async () => {
    expect(await run(['tills', 'hash'], fakeIo(dir))).toBe(2)
    const bad = fakeIo(dir, { stdin: 'not-hex' })
    expect(await run(['tills', 'hash', '--md5'], bad)).toBe(2)
    expect(bad.err()).toContain('32 hexadecimal characters')
    const short = fakeIo(dir, { stdin: 'pw', env: { M2M_AUTH_TILL_PEPPER: 'short' } })
    expect(await run(['tills', 'hash'], short)).toBe(2)
  })
})

describe('m2m-auth tills import', () => {
  it('turns CSV rows into a till store file in scrypt form', async () => {
    await writeFile(
      join(dir, 'tills.csv'),
      [
        'tillId,md5,scopes,store',
        '# the Köln store',
        `T-1,${md5('one')},stock.read stock.write,S-1`,
        '',
        `T-2,${md5('two').toUpperCase()}`,
      ].join('\r\n'),
    )
    const io = fakeIo(dir)
    expect(await run(['tills', 'import', 'tills.csv', '--out', 'tills.json', ...FAST], io)).toBe(0)
    expect(io.out()).toBe('imported 2 till(s) into tills.json\n')
    const tills = await storeFile()
    expect(tills.map(({ secret: _s, ...rest }) => rest)).toEqual([
      { tillId: 'T-1', scopes: ['stock.read', 'stock.write'], store: 'S-1' },
      { tillId: 'T-2', scopes: [] },
    ])
    const text = await readFile(join(dir, 'tills.json'), 'utf8')
    expect(text).not.toContain(md5('one'))
    expect(await verifies(tills[1]!.secret, md5('two'))).toBe(true)
  })

  it('reports every bad row with its line number and writes nothing', async () => {
    await writeFile(
      join(dir, 'bad.csv'),
      [
        `T-1,${md5('one')}`,
        `T-2,${md5('two').slice(0, 31)}`,
        'T-3',
        `T:4,${md5('four')}`,
        `T-1,${md5('again')}`,
        `T-6,${md5('six')},"quoted"`,
        `T-7,${md5('seven')},bad\\scope`,
      ].join('\n'),
    )
    const io = fakeIo(dir)
    expect(await run(['tills', 'import', 'bad.csv', '--out', 'tills.json'], io)).toBe(1)
    const err = io.err()
    expect(err).toContain('6 bad rows')
    expect(err).toContain('line 2: md5 must be the 32-character hex MD5')
    expect(err).toContain('line 3: expected tillId,md5[,scopes,store] but found 1 field(s)')
    expect(err).toContain('line 4: tillId must be')
    expect(err).toContain('line 5: till "T-1" already on line 1')
    expect(err).toContain('line 6: quoted fields are not supported')
    expect(err).toContain('line 7: scope "bad\\\\scope" is not a valid scope-token')
    expect(err).not.toContain(md5('two').slice(0, 31))
    expect(await readdir(dir)).toEqual(['bad.csv'])
  })

  it('never replaces an existing store without --force, and replaces it atomically with it', async () => {
    await writeFile(join(dir, 'tills.json'), '{"tills": []}\n')
    await writeFile(join(dir, 'tills.csv'), `T-1,${md5('one')}\n`)
    const io = fakeIo(dir)
    expect(await run(['tills', 'import', 'tills.csv', '-o', 'tills.json'], io)).toBe(2)
    expect(io.err()).toContain('--force')
    expect(await storeFile()).toEqual([])
    const forced = fakeIo(dir)
    expect(
      await run(['tills', 'import', 'tills.csv', '-o', 'tills.json', '--force', ...FAST], forced),
    ).toBe(0)
    expect((await storeFile()).map((t) => t.tillId)).toEqual(['T-1'])
    expect((await readdir(dir)).sort()).toEqual(['tills.csv', 'tills.json'])
  })

  it('reads CSV from stdin with -', async () => {
    const io = fakeIo(dir, { stdin: `T-9,${md5('nine')},stock.read\n` })
    expect(await run(['tills', 'import', '-', '--out', 'tills.json', ...FAST], io)).toBe(0)
    expect((await storeFile())[0]).toMatchObject({ tillId: 'T-9', scopes: ['stock.read'] })
  })
})

describe('m2m-auth tills audit and mark', () => {
  beforeEach(async () => {
    const tills = [
      { tillId: 'T-1', secret: `md5:${md5('one')}`, scopes: [] },
      { tillId: 'T-2', secret: `md5:${md5('two')}`, scopes: [], disabled: true },
      { tillId: 'T-3', secret: `md5:${md5('three')}`, scopes: [], migrated: true },
    ]
    await writeFile(join(dir, 'tills.json'), JSON.stringify({ tills }))
    const io = fakeIo(dir, { stdin: 'T-4,' + md5('four') })
    await run(['tills', 'import', '-', '--out', 'new.json', ...FAST], io)
    const fresh = JSON.parse(await readFile(join(dir, 'new.json'), 'utf8')) as { tills: object[] }
    await writeFile(join(dir, 'tills.json'), JSON.stringify({ tills: [...tills, ...fresh.tills] }))
  })

  it('counts weak, disabled and migrated tills, as text or --json', async () => {
    const json = fakeIo(dir)
    expect(await run(['tills', 'audit', 'tills.json', '--json'], json)).toBe(0)
    expect(JSON.parse(json.out())).toEqual({
      total: 4,
      scrypt: 1,
      weak: 3,
      disabled: 1,
      migrated: 1,
      onBasic: 2,
      tills: { weak: ['T-1', 'T-2', 'T-3'], disabled: ['T-2'], migrated: ['T-3'] },
    })
    const text = fakeIo(dir)
    expect(await run(['tills', 'audit', 'tills.json'], text)).toBe(0)
    expect(text.out()).toContain('weak (md5 only): 3')
    expect(text.out()).toContain('migrated: T-3')
    expect(text.out()).not.toMatch(/[0-9a-f]{32}|scrypt\$/)
    expect(await run(['tills', 'audit', 'tills.json', '--fail-on-weak'], fakeIo(dir))).toBe(1)
  })

  it('marks tills migrated (and back) atomically; unknown tills change nothing', async () => {
    expect(
      await run(['tills', 'mark', 'tills.json', '--migrated', 'T-1', 'T-4'], fakeIo(dir)),
    ).toBe(0)
    expect((await storeFile()).filter((t) => t.migrated).map((t) => t.tillId)).toEqual([
      'T-1',
      'T-3',
      'T-4',
    ])
    expect(await run(['tills', 'mark', 'tills.json', '--basic', 'T-3'], fakeIo(dir))).toBe(0)
    expect((await storeFile()).find((t) => t.tillId === 'T-3')).not.toHaveProperty('migrated')
    const before = await readFile(join(dir, 'tills.json'), 'utf8')
    const io = fakeIo(dir)
    expect(await run(['tills', 'mark', 'tills.json', '--disabled', 'T-1', 'T-404'], io)).toBe(2)
    expect(io.err()).toContain('unknown till(s): T-404')
    expect(await readFile(join(dir, 'tills.json'), 'utf8')).toBe(before)
  })

  it('explains a broken store file instead of crashing', async () => {
    await writeFile(join(dir, 'broken.json'), '{"tills": [')
    const io = fakeIo(dir)
    expect(await run(['tills', 'audit', 'broken.json'], io)).toBe(1)
    expect(io.err()).toContain('broken.json: not valid JSON')
  })
})
