import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { FRAMEWORKS } from '@m2m-auth/example-kit'
import { playScenario, summary } from '../src/scenario.js'
import { startWorld } from '../src/world.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/** What each step must show, stated here independently of the steps' own expectations. */
const EXPECTED: [title: RegExp, status: number, error: string | undefined, detail: RegExp][] = [
  [/^task-service -> calendar-service: POST \/events/, 201, undefined, /created by task-service/],
  [/^reporting -> calendar-service: GET \/events/, 200, undefined, /read 1 event/],
  [/^reporting -> calendar-service: POST \/events/, 403, 'insufficient_scope', /event\.create/],
  [/^storefront -> order-service: POST \/orders/, 201, undefined, /fetched 1 inventory token/],
  [/^storefront -> order-service: POST \/orders/, 409, undefined, /fetched 1 inventory token/],
  [/^anonymous -> order-service/, 401, undefined, /Bearer realm="api"/],
  [/^till T-1 -> stock-service/, 200, undefined, /T-1 \(store S-1\), .* basic; Deprecation/],
  [/^till T-2 -> stock-service/, 401, 'invalid_token', /credentials are invalid/],
  [
    /^till T-3 \(migrated\) -> stock-service/,
    401,
    'invalid_token',
    /must authenticate with a Bearer/,
  ],
  [/^pos-gateway for till T-3 -> stock-service/, 200, undefined, /T-3 \(store S-2\), .* bearer/],
  [/^reporting -> calendar-service: GET \/events/, 401, 'invalid_token', /expired/],
]

it.concurrent.each(FRAMEWORKS)(
  'the demo plays every step as expected on %s',
  async (framework) => {
    const world = await startWorld(framework)
    const lines: string[] = []
    try {
      const outcomes = await playScenario(world, (line) => void lines.push(line))
      expect(outcomes.map((o) => o.mismatch)).toEqual(EXPECTED.map(() => ''))
      outcomes.forEach((outcome, i) => {
        const [title, status, error, detail] = EXPECTED[i]!
        expect(outcome.title).toMatch(title)
        expect(outcome.observation?.exchange.status).toBe(status)
        expect(outcome.observation?.exchange.error).toBe(error)
        expect(outcome.observation?.detail).toMatch(detail)
      })
      expect(summary(outcomes)).toBe('demo: 11/11 outcomes as expected')
      expect(world.orderTokenFetches).toHaveLength(1)
      const transcript = lines.join('\n')
      expect(transcript).toContain(
        'WWW-Authenticate: Bearer realm="api", error="insufficient_scope"',
      )
      expect(transcript).toMatch(/sunset: Wed, 30 Jun 2027 00:00:00 GMT/)
      // The transcript never shows a secret or a token.
      for (const client of Object.values(world.clients))
        expect(transcript).not.toContain(client.clientSecret)
      expect(transcript).not.toMatch(/eyJ[\w-]+\.eyJ/)
    } finally {
      await world.close()
    }
  },
  40_000,
)

it.concurrent(
  'the demo counts each refusal a broken service failed to make as not expected',
  async () => {
    const open = createServer((_req, res) => res.end('{}'))
    await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', resolve))
    const world = await startWorld('express')
    const lines: string[] = []
    try {
      const port = (open.address() as AddressInfo).port
      const broken = { ...world, urls: { ...world.urls, stock: `http://127.0.0.1:${port}` } }
      const outcomes = await playScenario(broken, (line) => void lines.push(line))
      expect(outcomes.filter((o) => !o.ok).map((o) => [o.number, o.mismatch])).toEqual([
        [7, expect.stringMatching(/detail does not match/)],
        [8, 'got status 200; got error none; detail does not match /credentials are invalid/'],
        [9, expect.stringMatching(/^got status 200; got error none/)],
        [10, expect.stringMatching(/detail does not match/)],
      ])
      expect(summary(outcomes)).toBe('demo: 7/11 outcomes as expected')
      expect(lines.join('\n')).toContain('NOT AS EXPECTED, got status 200')
    } finally {
      await world.close()
      open.closeAllConnections()
      await new Promise((resolve) => open.close(resolve))
    }
  },
  40_000,
)

it.concurrent(
  'pnpm demo exits 0 with the summary, and --serve hints a CLI token command that works',
  async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/demo/src/main.ts', '--serve'],
      {
        cwd: ROOT,
        env: { ...process.env, FRAMEWORK: 'koa' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    try {
      const output = await waitFor(child, /Press Ctrl\+C to stop\./, 30_000)
      expect(output).toContain('demo: 11/11 outcomes as expected')
      expect(output).toContain('framework koa')
      const hint = output.split('\n').find((l) => l.startsWith('M2M_AUTH_CLIENT_SECRET='))!
      const { stdout: token } = await promisify(execFile)('sh', ['-c', hint], {
        cwd: ROOT,
        timeout: 15_000,
      })
      const calendar = /calendar-service\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!
      const read = await fetch(`${calendar}/events`, {
        headers: { authorization: `Bearer ${token.trim()}` },
      })
      expect(read.status).toBe(200)
      // The metrics it printed are served while it runs, and the migration table came first.
      const printed = /metrics\s+(http:\/\/127\.0\.0\.1:\d+\/metrics)/
      expect(output).toMatch(printed)
      const metricsUrl = printed.exec(output)![1]!
      expect(output).toContain(`curl -s ${metricsUrl}`)
      expect((await fetch(metricsUrl)).status).toBe(200)
      expect(output).toMatch(/Basic vs OAuth per store[^]*demo: 11\/11 outcomes as expected/)
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      child.kill('SIGKILL')
    }
  },
  60_000,
)

function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`timed out; output:\n${output}`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (pattern.test(output)) {
        clearTimeout(timer)
        resolve(output)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
  })
}
