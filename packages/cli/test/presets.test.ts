import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '@m2m-auth/cli'
import { PRESETS, TOKEN_PRESETS, type PresetName, type TokenPresetName } from '@m2m-auth/core'
import { DEFAULT_CLIENTS, startIssuer, type TestIssuer } from '../../../test/support/issuer.js'
import { startJwks, type LoopbackJwks } from '../../../test/support/jwks-server.js'
import { PRESET_NAMES } from '../src/commands/preset-option.js'
import { fakeIo } from './io.js'

// One preset list: `token` and `doctor` take the same `--preset` names, and say `--preset`.

const SECRET = DEFAULT_CLIENTS[0]!.client_secret!
let issuer: TestIssuer
let jwks: LoopbackJwks
beforeAll(async () => {
  ;[issuer, jwks] = await Promise.all([startIssuer(), startJwks()])
})
afterAll(async () => {
  await Promise.all([issuer?.close(), jwks?.close()])
})

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = fakeIo(process.cwd(), { env: { M2M_AUTH_CLIENT_SECRET: SECRET } })
  const code = await run(args, io)
  return { code, stdout: io.out(), stderr: io.err() }
}

const token = (preset: string) =>
  cli(['token', '--issuer', issuer.issuer, '--client-id', 'task-service', '--preset', preset])
const doctor = (preset: string) =>
  cli([
    'doctor',
    '--issuer',
    issuer.issuer,
    '--audience',
    'api',
    '--jwks-uri',
    jwks.url,
    '--preset',
    preset,
  ])

/** Every name either side knows: each must work in both commands. */
const EVERY_NAME = [...new Set([...Object.keys(PRESETS), ...Object.keys(TOKEN_PRESETS)])]

// tsc fails here when a name exists on one side only.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const oneList: Same<PresetName, TokenPresetName> = true

describe('--preset', () => {
  it('names the same issuers for the token client and the bearer verifier', () => {
    expect(oneList).toBe(true)
    expect(Object.keys(TOKEN_PRESETS).sort()).toEqual(Object.keys(PRESETS).sort())
    expect([...PRESET_NAMES].sort()).toEqual(Object.keys(PRESETS).sort())
    expect(PRESET_NAMES).toContain('generic')
    expect(PRESET_NAMES).toContain('supertokens')
  })

  it('lists every preset in the help of both commands', async () => {
    for (const command of ['token', 'doctor']) {
      const { stdout } = await cli([command, '--help'])
      const listed = /--preset <name>\s+([\s\S]*?)\n {2}--/.exec(stdout)?.[1]?.split(/[\s,]+/)
      expect(listed, command).toEqual(PRESET_NAMES)
    }
  })

  it('is accepted by token for every preset of either side, supertokens included', async () => {
    expect(EVERY_NAME).toContain('supertokens')
    for (const preset of EVERY_NAME) {
      const { code, stdout, stderr } = await token(preset)
      if (TOKEN_PRESETS[preset as TokenPresetName]?.json !== undefined) {
        // Taken, and its JSON dialect sent to a path this RFC 6749 issuer does not serve.
        expect(code, preset).toBe(1)
        expect(stderr, preset).toContain('the token endpoint refused the request with HTTP 404')
      } else {
        expect({ preset, code, stderr }).toEqual({ preset, code: 0, stderr: '' })
        expect(stdout, preset).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
      }
    }
  })

  it('is accepted by doctor for every preset of either side, generic included', async () => {
    expect(EVERY_NAME).toContain('generic')
    for (const preset of EVERY_NAME) {
      const { code, stdout, stderr } = await doctor(preset)
      expect(code, `${preset}: ${stderr}`).not.toBe(2)
      expect(stderr, preset).toBe('')
      const configuration = stdout.split('\n').find((l) => l.includes(' configuration '))
      // Hydra's tokens are opaque by default, so its configuration wants introspection.
      if (preset === 'hydra') expect(configuration).toContain('introspection')
      else expect(configuration, preset).toContain(`preset ${preset};`)
    }
  })

  it('refuses an unknown preset in both commands with a usage error naming --preset and the valid names', async () => {
    const expected = `--preset must be one of ${PRESET_NAMES.join(', ')}; got "bogus"\n`
    for (const [command, result] of [
      ['token', await token('bogus')],
      ['doctor', await doctor('bogus')],
    ] as const) {
      expect(result.code, command).toBe(2)
      expect(result.stderr, command).toBe(`m2m-auth ${command}: ${expected}`)
      expect(result.stdout, command).toBe('')
    }
  })
})
