import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { bannerComplete, parseBanner } from './dev-issuer-output.js'
import {
  CLI_BIN,
  listening,
  liveProcessesInGroup,
  requireBuiltCli,
  spawnGroup,
  waitUntil,
  type Spawned,
} from './spawned-cli.js'

// The built CLI in real processes, for what only a process shows: signals, exit codes, the
// notices oidc-provider prints when it is loaded, children left behind.
const CWD = fileURLToPath(new URL('.', import.meta.url))
const STOP_SIGNAL = fileURLToPath(new URL('../dist/dev-issuer/stop-signal.js', import.meta.url))
// A workspace package that depends on @m2m-auth/cli, so pnpm has linked its `m2m-auth` bin.
const WITH_BIN = fileURLToPath(new URL('../../../examples/pos-migration/', import.meta.url))

beforeAll(() => requireBuiltCli())

async function banner(process: Spawned) {
  await waitUntil(
    () => bannerComplete(process.out()) || process.child.exitCode !== null,
    'the dev-issuer banner',
  )
  if (!bannerComplete(process.out())) throw new Error(`no banner: ${process.err()}`)
  const { issuer } = parseBanner(process.out())
  const port = Number(new URL(issuer).port)
  // It answers: discovery is served.
  const metadata = await fetch(`${issuer}/.well-known/openid-configuration`)
  expect(((await metadata.json()) as { issuer: string }).issuer).toBe(issuer)
  return { issuer, port }
}

describe('m2m-auth dev-issuer in its own process', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops on ${signal} with exit code 0 and closes its port`, async () => {
      const dev = spawnGroup(process.execPath, [CLI_BIN, 'dev-issuer'], CWD)
      const { port } = await banner(dev)
      expect(await listening(port)).toBe(true)
      dev.child.kill(signal)
      expect(await dev.exited).toBe(0)
      expect(await listening(port)).toBe(false)
      expect(dev.err()).toBe('m2m-auth dev-issuer: stopped\n')
    })
  }

  it('absorbs a SIGTERM that arrives while it stops, as pnpm exec sends one after Ctrl-C', async () => {
    // The stop listener of the built CLI, in a process whose shutdown takes long enough for
    // the second signal to land in the middle of it, every time.
    const script = `
      const { stopRequested } = await import(${JSON.stringify(STOP_SIGNAL)})
      const server = setInterval(() => {}, 1000) // what the issuer's listener does: keep running
      const stop = stopRequested()
      console.log('ready')
      await stop
      console.log('stopping')
      await new Promise((resolve) => setTimeout(resolve, 500))
      clearInterval(server)
      console.log('stopped')`
    const child = spawnGroup(process.execPath, ['--input-type=module', '-e', script], CWD)
    await waitUntil(() => child.out() === 'ready\n', 'the listeners')
    child.child.kill('SIGINT')
    await waitUntil(() => child.out() === 'ready\nstopping\n', 'the stop to begin')
    child.child.kill('SIGTERM')
    expect(await child.exited).toBe(0)
    expect(child.out()).toBe('ready\nstopping\nstopped\n')
  })

  it("prints none of oidc-provider's development notices (Unsupported runtime on Node 20)", async () => {
    const dev = spawnGroup(process.execPath, [CLI_BIN, 'dev-issuer', '--format', 'opaque'], CWD)
    const { issuer } = await banner(dev)
    // oidc-provider prints some notices at request time ("default … function called"), too.
    const [command] = parseBanner(dev.out()).tokenCommands.values().next().value!
    const secret = command!.env.M2M_AUTH_CLIENT_SECRET!
    const basic = Buffer.from(`dev-client:${secret}`).toString('base64')
    const response = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ token: 'not-a-token' }),
    })
    expect(await response.json()).toEqual({ active: false })
    dev.child.kill('SIGINT')
    expect(await dev.exited).toBe(0)
    expect(dev.out()).not.toContain('oidc-provider')
    expect(dev.err()).toBe('m2m-auth dev-issuer: stopped\n')
  })

  it('leaves no process behind when Ctrl-C reaches a `pnpm exec m2m-auth dev-issuer` job', async () => {
    expect(existsSync(`${WITH_BIN}node_modules/.bin/m2m-auth`)).toBe(true)
    // npx -> pnpm -> the bin's sh shim -> node: Ctrl-C signals the terminal's whole job, the
    // process group, which is what this sends.
    const job = spawnGroup(
      'npx',
      ['--yes', 'pnpm@10.34.8', 'exec', 'm2m-auth', 'dev-issuer'],
      WITH_BIN,
    )
    const pgid = job.child.pid!
    const { port } = await banner(job)
    expect(liveProcessesInGroup(pgid).length).toBeGreaterThanOrEqual(2)
    process.kill(-pgid, 'SIGINT')
    await job.exited
    await waitUntil(() => liveProcessesInGroup(pgid).length === 0, 'the job to be gone')
    expect(await listening(port)).toBe(false)
    expect(job.err()).toContain('m2m-auth dev-issuer: stopped\n')
  }, 90_000)
})
