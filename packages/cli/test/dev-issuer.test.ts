import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '@m2m-auth/cli'
import {
  authenticatorOptionsFromEnv,
  createAuthenticator,
  createTokenClient,
  type Principal,
} from '@m2m-auth/core'
import { bannerComplete, parseBanner, type Banner, type TokenCommand } from './dev-issuer-output.js'
import { fakeIo, type FakeIo } from './io.js'
import { listening, waitUntil } from './spawned-cli.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'm2m-auth-dev-issuer-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

interface Running {
  readonly banner: Banner
  readonly port: number
  readonly io: FakeIo
  /** Aborts the command, as Ctrl-C does, and resolves with its exit code. */
  stop(): Promise<number>
}

/** Runs `m2m-auth dev-issuer` in-process until the banner is out. */
async function startInProcess(args: string[]): Promise<Running> {
  const controller = new AbortController()
  const io = { ...fakeIo(dir), signal: controller.signal }
  const code = run(['dev-issuer', ...args], io)
  let finished: number | undefined
  void code.then((c) => (finished = c))
  await waitUntil(() => bannerComplete(io.out()) || finished !== undefined, 'the banner')
  if (finished !== undefined) throw new Error(`exited ${finished}: ${io.err()}`)
  const banner = parseBanner(io.out())
  return {
    banner,
    port: Number(new URL(banner.issuer).port),
    io,
    stop: () => {
      controller.abort()
      return code
    },
  }
}

/** Authenticates a token as a service configured with the printed env lines. */
function authenticateWithPrintedEnv(
  env: Record<string, string>,
  token: string,
): Promise<Principal> {
  const authenticator = createAuthenticator(authenticatorOptionsFromEnv(env))
  return authenticator.authenticate({ authorization: `Bearer ${token}` })
}

/** The printed `m2m-auth token` command, run in-process; returns the token it prints. */
async function runTokenCommand(command: TokenCommand): Promise<string> {
  const io = fakeIo(dir, { env: command.env })
  expect(await run(['token', ...command.args], io)).toBe(0)
  return io.out().trim()
}

describe('m2m-auth dev-issuer', () => {
  it('by default issues JWTs for dev-client (read write, http://localhost:3000) that the printed env verifies', async () => {
    const issuer = await startInProcess([])
    try {
      const { banner } = issuer
      expect(banner.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const env = banner.env.get('http://localhost:3000')!
      expect(env).toEqual({
        M2M_AUTH_ISSUER: banner.issuer,
        M2M_AUTH_AUDIENCE: 'http://localhost:3000',
      })
      const [command] = banner.tokenCommands.get('http://localhost:3000')!
      expect(command!.flags).toEqual({
        issuer: banner.issuer,
        'client-id': 'dev-client',
        scope: 'read write',
        resource: 'http://localhost:3000',
      })
      // The printed parameters, through the library a calling service uses.
      const client = createTokenClient({
        issuer: command!.flags.issuer,
        clientId: command!.flags['client-id']!,
        clientSecret: command!.env.M2M_AUTH_CLIENT_SECRET!,
        scope: command!.flags.scope,
        resource: command!.flags.resource,
      })
      const token = await client.getToken()
      expect(token.split('.')).toHaveLength(3)
      const principal = await authenticateWithPrintedEnv(env, token)
      expect(principal).toMatchObject({ scheme: 'bearer', clientId: 'dev-client' })
      expect([...principal.scopes]).toEqual(['read', 'write'])
      expect(issuer.io.err()).toBe('')
    } finally {
      expect(await issuer.stop()).toBe(0)
    }
    expect(await listening(issuer.port)).toBe(false)
    expect(issuer.io.err()).toBe('m2m-auth dev-issuer: stopped\n')
  })

  it('issues opaque tokens that the printed introspection settings verify, next to JWTs (--config)', async () => {
    const config = join(dir, 'dev-issuer.json')
    const setup = {
      audiences: { 'https://api.local': 'jwt', 'https://inventory.local': 'opaque' },
      clients: [
        { id: 'order-service', secret: 'order-service-dev-secret', scopes: ['stock.read'] },
      ],
      scopes: ['stock.write'],
      introspection: { id: 'inventory-api', secret: 'inventory-api-dev-secret' },
    }
    await writeFile(config, JSON.stringify(setup))
    const issuer = await startInProcess(['--config', config])
    try {
      const env = issuer.banner.env.get('https://inventory.local')!
      expect(env).toEqual({
        M2M_AUTH_ISSUER: issuer.banner.issuer,
        M2M_AUTH_AUDIENCE: 'https://inventory.local',
        M2M_AUTH_INTROSPECTION_CLIENT_ID: 'inventory-api',
        M2M_AUTH_INTROSPECTION_CLIENT_SECRET: 'inventory-api-dev-secret',
      })
      const [command] = issuer.banner.tokenCommands.get('https://inventory.local')!
      const opaque = await runTokenCommand(command!)
      expect(opaque.split('.')).toHaveLength(1)
      const principal = await authenticateWithPrintedEnv(env, opaque)
      expect(principal).toMatchObject({ clientId: 'order-service', issuer: issuer.banner.issuer })
      expect([...principal.scopes]).toEqual(['stock.read'])

      const [jwtCommand] = issuer.banner.tokenCommands.get('https://api.local')!
      const jwt = await runTokenCommand(jwtCommand!)
      expect(jwt.split('.')).toHaveLength(3)
      const jwtEnv = issuer.banner.env.get('https://api.local')!
      expect((await authenticateWithPrintedEnv(jwtEnv, jwt)).clientId).toBe('order-service')
    } finally {
      expect(await issuer.stop()).toBe(0)
    }
  })

  it('takes clients, scopes, audiences and the format from flags', async () => {
    const issuer = await startInProcess([
      '--client',
      'task-service:task-dev-secret:event.create,event.view',
      '--client',
      'viewer::event.view',
      '--audience',
      'https://calendar.local',
      '--format',
      'opaque',
    ])
    try {
      const commands = issuer.banner.tokenCommands.get('https://calendar.local')!
      expect(commands.map((c) => [c.flags['client-id'], c.flags.scope])).toEqual([
        ['task-service', 'event.create event.view'],
        ['viewer', 'event.view'],
      ])
      expect(commands[0]!.env.M2M_AUTH_CLIENT_SECRET).toBe('task-dev-secret')
      expect(commands[1]!.env.M2M_AUTH_CLIENT_SECRET).toMatch(/^[\w-]{32}$/)
      const env = issuer.banner.env.get('https://calendar.local')!
      const token = await runTokenCommand(commands[1]!)
      const principal = await authenticateWithPrintedEnv(env, token)
      expect([...principal.scopes]).toEqual(['event.view'])
    } finally {
      expect(await issuer.stop()).toBe(0)
    }
  })

  it('refuses bad options with exit code 2 and a message naming the option, never the secret', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'paseto'], /"format" must be "jwt" or "opaque"/],
      [['--client', 'bad id:s3cret-value'], /"clients\[0\]\.id" must be a non-empty string/],
      [['--client', 'svc:s3cret-value:bad"scope'], /"bad"scope" is not a valid scope/],
      [['--audience', 'not a uri'], /"not a uri" must be an absolute URI/],
      [['--port', '70000'], /"port" must be an integer from 0 to 65535/],
      [['--client-secret=s3cret-value'], /unknown or malformed option/],
      [['--config', 'missing.json'], /--config: cannot read missing\.json: ENOENT/],
    ]
    for (const [args, message] of cases) {
      const io = fakeIo(dir)
      expect(await run(['dev-issuer', ...args], io)).toBe(2)
      expect(io.err()).toMatch(message)
      expect(io.err()).not.toContain('s3cret-value')
      expect(io.out()).toBe('')
    }
  })

  it('says which port is taken, with exit code 1', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as { port: number }
    try {
      const io = fakeIo(dir)
      expect(await run(['dev-issuer', '--port', String(port)], io)).toBe(1)
      expect(io.err()).toBe(
        `m2m-auth dev-issuer: port ${port} on 127.0.0.1 is in use; pick another with --port, or 0\n`,
      )
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})
