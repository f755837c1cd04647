import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LegacyAuthEvent } from '@m2m-auth/core'
import { run } from '@m2m-auth/cli'
import { send } from '../../../test/support/apps.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../../../test/support/issuer.js'
import { POS_CLIENTS, POS_RESOURCES } from '../../../test/support/tills.js'
import { FRAMEWORKS } from '../src/frameworks.js'
import { startStockService } from '../src/stock-service.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const till = (id: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${id}:${md5(password)}`).toString('base64')}`,
})
const cli = (args: string[], cwd: string): Promise<number> =>
  run(args, {
    stdout: { write: () => true },
    stderr: { write: (t: string) => process.stderr.write(t) },
    readStdin: () => Promise.resolve(''),
    env: {},
    cwd,
  })
const SUNSET = new Date('2027-06-30T00:00:00Z')
const NOTES = 'https://wiki.example.test/pos/oauth'

let issuer: TestIssuer
let dir: string
let gateway: string
beforeAll(async () => {
  issuer = await startIssuer({ clients: POS_CLIENTS, resources: POS_RESOURCES })
  gateway = await issuer.token('pos-gateway', { scope: 'stock.read pos.attribute' })
  dir = await mkdtemp(join(tmpdir(), 'pos-migration-'))
  await writeFile(
    join(dir, 'fleet.csv'),
    `tillId,md5,scopes,store\nT-1,${md5('one')},stock.read,S-1\nT-2,${md5('two')},stock.read,S-2\n`,
  )
})
afterAll(async () => {
  await issuer?.close()
  await rm(dir, { recursive: true, force: true })
})

describe.each(FRAMEWORKS)('the pos-migration example on %s', (framework) => {
  it('serves a till over Basic and a gateway over OAuth, then retires the till from Basic', async () => {
    const tills = join(dir, `${framework}.json`)
    expect(
      await cli(['tills', 'import', 'fleet.csv', '--out', tills, '--cost-ln', '10'], dir),
    ).toBe(0)
    const events: LegacyAuthEvent[] = []
    const service = await startStockService({
      framework,
      issuer: issuer.issuer,
      audience: DEFAULT_RESOURCE,
      tills,
      tillsCheckIntervalMs: 0,
      sunset: SUNSET,
      migrationNotes: NOTES,
      onLegacyAuth: (event) => void events.push(event),
    })
    try {
      const viaBasic = await send(`${service.url}/stock`, { headers: till('T-1', 'one') })
      expect(viaBasic.status).toBe(200)
      expect(viaBasic.json).toEqual({
        till: 'T-1',
        store: 'S-1',
        via: 'basic',
        items: { 'espresso-beans-1kg': 42, 'oat-milk-1l': 17 },
      })
      expect(viaBasic.headers.deprecation).toMatch(/^@\d+$/)
      expect(viaBasic.headers.sunset).toBe(SUNSET.toUTCString())
      expect(viaBasic.headers.link).toBe(`<${NOTES}>; rel="deprecation"; type="text/html"`)
      expect(events).toEqual([
        { tillId: 'T-1', store: 'S-1', method: 'GET', path: '/stock', weak: false },
      ])

      const viaGateway = await send(`${service.url}/stock`, {
        headers: { authorization: `Bearer ${gateway}`, 'x-attribution-till-id': 'T-1' },
      })
      expect(viaGateway.status).toBe(200)
      expect(viaGateway.json).toEqual({ ...(viaBasic.json as object), via: 'bearer' })
      expect(viaGateway.headers.deprecation).toBeUndefined()

      expect(await cli(['tills', 'mark', tills, '--migrated', 'T-1'], dir)).toBe(0)
      const refused = await send(`${service.url}/stock`, { headers: till('T-1', 'one') })
      expect(refused.status).toBe(401)
      expect(refused.headers['www-authenticate']).toContain('Basic realm="pos"')
      expect(refused.text).toContain('must authenticate with a Bearer token')
      expect((await send(`${service.url}/stock`, { headers: till('T-2', 'two') })).status).toBe(200)
    } finally {
      await service.close()
    }
  })
})

describe('the pos-migration entry point', () => {
  it('starts with tsx from the environment and answers on /stock', async () => {
    const tills = join(dir, 'main.json')
    expect(
      await cli(['tills', 'import', 'fleet.csv', '--out', tills, '--cost-ln', '10'], dir),
    ).toBe(0)
    const root = fileURLToPath(new URL('..', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        FRAMEWORK: 'fastify',
        M2M_AUTH_ISSUER: issuer.issuer,
        M2M_AUTH_AUDIENCE: DEFAULT_RESOURCE,
        TILLS_FILE: tills,
        BASIC_MODE: 'deny',
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = ''
        const timer = setTimeout(() => reject(new Error(`no start within 15 s: ${output}`)), 15_000)
        const onData = (chunk: Buffer): void => {
          output += chunk.toString()
          const match = /listening on (http:\/\/\S+)/.exec(output)
          if (match) {
            clearTimeout(timer)
            resolve(match[1]!)
          }
        }
        child.stdout.on('data', onData)
        child.stderr.on('data', onData)
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)))
      })
      // Final stage: Basic is denied outright and no longer advertised; OAuth still works.
      const denied = await send(`${url}/stock`, { headers: till('T-2', 'two') })
      expect(denied.status).toBe(401)
      expect(denied.headers['www-authenticate']).toBe('Bearer realm="api"')
      const ok = await send(`${url}/stock`, {
        headers: { authorization: `Bearer ${gateway}`, 'x-attribution-till-id': 'T-2' },
      })
      expect(ok.json).toMatchObject({ till: 'T-2', store: 'S-2', via: 'bearer' })
    } finally {
      child.kill('SIGTERM')
    }
  })
})
