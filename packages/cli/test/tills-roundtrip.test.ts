import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator, fileTillStore } from '@m2m-auth/core'
import { run } from '../src/main.js'
import { ADAPTERS, send, startApp } from '../../../test/support/apps.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../../../test/support/issuer.js'
import { fakeIo } from './io.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const basic = (id: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${id}:${md5(password)}`).toString('base64')}`,
})

let issuer: TestIssuer
let dir: string
beforeAll(async () => {
  issuer = await startIssuer()
  dir = await mkdtemp(join(tmpdir(), 'm2m-roundtrip-'))
})
afterAll(async () => {
  await issuer?.close()
  await rm(dir, { recursive: true, force: true })
})

describe.each(ADAPTERS)('tills import -> fileTillStore -> %s', (adapter) => {
  it('a till imported by the CLI authenticates, and marking it migrated takes effect live', async () => {
    const csv = join(dir, `${adapter}.csv`)
    const store = join(dir, `${adapter}.json`)
    await writeFile(csv, `T-1,${md5('one')},stock.read,S-1\nT-2,${md5('two')},stock.read\n`)
    expect(
      await run(['tills', 'import', csv, '--out', store, '--cost-ln', '10'], fakeIo(dir)),
    ).toBe(0)

    const errors: Error[] = []
    const pos = createAuthenticator({
      bearer: { issuer: issuer.issuer, audience: DEFAULT_RESOURCE },
      basic: {
        tills: fileTillStore(store, { checkIntervalMs: 0, onError: (e) => errors.push(e) }),
      },
    })
    const app = await startApp(adapter, { main: pos, down: pos, pos })
    try {
      const ok = await send(`${app.url}/stock`, { headers: basic('T-1', 'one') })
      expect(ok.status).toBe(200)
      expect(ok.json).toMatchObject({ subject: 'till:T-1', till: { id: 'T-1', store: 'S-1' } })
      expect((await send(`${app.url}/stock`, { headers: basic('T-2', 'wrong') })).status).toBe(401)

      expect(await run(['tills', 'mark', store, '--migrated', 'T-1'], fakeIo(dir))).toBe(0)
      const refused = await send(`${app.url}/stock`, { headers: basic('T-1', 'one') })
      expect(refused.status).toBe(401)
      expect(refused.text).toContain('must authenticate with a Bearer token')
      expect((await send(`${app.url}/stock`, { headers: basic('T-2', 'two') })).status).toBe(200)
      expect(errors).toEqual([])
    } finally {
      await app.close()
    }
  })
})
