import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { startApp, type AppProcess } from './app-process.js'
import { createConsumerApp } from './consumer-app.js'
import { run, transcript } from './run.js'
import { packPackages, publishablePackages, ROOT } from './workspace.js'

// The README's install path, end to end: every package packed with pnpm (as a release packs
// it, after the `tsc -b` that `pnpm test` runs first), the tarballs installed with plain npm
// into an empty app outside the workspace, and that app run, type-checked and its bin called.

let work: string
let app: string
let issuer: TestIssuer
let server: AppProcess | undefined

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'm2m-auth-pack-install-'))
  // Outside the workspace, so that nothing resolves through the workspace's node_modules.
  expect(relative(ROOT, work).startsWith('..')).toBe(true)
  app = join(work, 'app')
  await mkdir(app)
  const [tarballs, started] = await Promise.all([
    mkdir(join(work, 'tarballs')).then(() => packPackages(join(work, 'tarballs'))),
    startIssuer(),
  ])
  issuer = started
  await createConsumerApp(app, [...tarballs.values()])
  server = await startApp(app, { ISSUER: issuer.issuer, AUDIENCE: DEFAULT_RESOURCE })
}, 180_000)

afterAll(async () => {
  await server?.close()
  await issuer?.close()
  await rm(work, { recursive: true, force: true })
})

const inApp = (command: string, args: readonly string[]) =>
  run(command, args, { cwd: app, timeoutMs: 60_000 })

describe('the packed packages, installed with npm into an empty app', () => {
  it('run an Express app whose requireScope route answers 200 with the scope, 403 without, 401 with no token', async () => {
    const url = `${server!.url}/events`
    const allowed = await fetch(url, {
      headers: {
        authorization: `Bearer ${await issuer.token('task-service', { scope: 'event.create' })}`,
      },
    })
    expect(allowed.status, server!.stderr()).toBe(200)
    expect(await allowed.json()).toMatchObject({ subject: 'task-service' })

    const viewer = await fetch(url, {
      headers: { authorization: `Bearer ${await issuer.token('viewer', { scope: 'event.view' })}` },
    })
    expect(viewer.status).toBe(403)
    expect(viewer.headers.get('www-authenticate')).toContain('error="insufficient_scope"')

    const anonymous = await fetch(url)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm=/)
  })

  it('make the m2m-auth command reachable: npx m2m-auth --help exits 0 with the usage', async () => {
    // --no: never fall back to downloading some other "m2m-auth" from the registry.
    const result = await inApp('npx', ['--no', '--', 'm2m-auth', '--help'])
    expect(result.code, transcript(result)).toBe(0)
    expect(result.stdout).toMatch(/^usage: m2m-auth <command>/)
  })

  it('type-check the app with 0 errors (tsc --noEmit, skipLibCheck off)', async () => {
    const result = await inApp('npx', ['--no', '--', 'tsc', '--noEmit', '-p', '.'])
    expect(result.code, transcript(result)).toBe(0)
    expect(result.stdout).toBe('')
  })

  it('load with require() from CommonJS on Node >= 20.19 (require(esm)), not ERR_PACKAGE_PATH_NOT_EXPORTED', async () => {
    const names = publishablePackages().map((p) => p.name)
    const script = names
      .map(
        (name) =>
          `console.log(${JSON.stringify(name)}, Object.keys(require(${JSON.stringify(name)})).length > 0)`,
      )
      .join('\n')
    await writeFile(join(app, 'require-check.cjs'), `${script}\n`)
    const result = await inApp(process.execPath, ['require-check.cjs'])
    expect(result.code, transcript(result)).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(names.map((name) => `${name} true`))
    const core = await inApp(process.execPath, [
      '-e',
      "console.log(typeof require('@m2m-auth/core').createAuthenticator)",
    ])
    expect(core.stdout.trim(), transcript(core)).toBe('function')
  })
})
