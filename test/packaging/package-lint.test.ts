import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attwTarball, publintTarball } from './lint.js'
import { run } from './run.js'
import { listPacked, packPackages, publishablePackages, readPacked, ROOT } from './workspace.js'

// What a release ships, checked on the tarballs pnpm packs (after `tsc -b`, which `pnpm test`
// runs first): publint and @arethetypeswrong/cli clean, real versions for workspace
// dependencies, a LICENSE, and every package in the changesets release group.

const packages = publishablePackages()
let destination: string
let tarballs: Map<string, string>

beforeAll(async () => {
  destination = await mkdtemp(join(tmpdir(), 'm2m-auth-package-lint-'))
  tarballs = await packPackages(destination)
}, 60_000)

afterAll(() => rm(destination, { recursive: true, force: true }))

const tarball = (name: string): string => tarballs.get(name)!

interface PackedManifest {
  version: string
  license?: string
  bin?: Record<string, string>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

describe.each(packages)('$name, packed', ({ name, folder }) => {
  it('publint reports nothing, not even a suggestion', async () => {
    expect(await publintTarball(tarball(name))).toEqual([])
  })

  it('attw (esm-only profile) finds every entry point typed and resolvable', async () => {
    expect(await attwTarball(tarball(name))).toBeUndefined()
  }, 60_000)

  it('names real versions, not workspace: ranges, for its workspace dependencies', async () => {
    const manifest = JSON.parse(await readPacked(tarball(name), 'package.json')) as PackedManifest
    const ranges = { ...manifest.dependencies, ...manifest.peerDependencies }
    for (const [dependency, range] of Object.entries(ranges)) {
      expect(range, dependency).not.toMatch(/^workspace:/)
      const sibling = packages.find((p) => p.name === dependency)
      if (sibling) expect(range, dependency).toBe(`^${sibling.version}`)
    }
  })

  it('ships its MIT LICENSE, its built dist/ and its bins', async () => {
    const manifest = JSON.parse(await readPacked(tarball(name), 'package.json')) as PackedManifest
    const files = await listPacked(tarball(name))
    expect(manifest.license).toBe('MIT')
    const license = await readPacked(tarball(name), 'LICENSE')
    expect(license).toMatch(/^MIT License/)
    // Its own copy (pnpm would fall back to the root's; npm and other tools would not), kept
    // identical to the root LICENSE.
    expect(readFileSync(join(ROOT, 'packages', folder, 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'LICENSE'), 'utf8'),
    )
    expect(files.some((file) => file.startsWith('dist/') && file.endsWith('.d.ts'))).toBe(true)
    for (const bin of Object.values(manifest.bin ?? {})) {
      expect(files).toContain(bin.replace(/^\.\//, ''))
    }
  })
})

describe.each(packages.filter((p) => p.bins.length > 0))('$name, in a fresh clone', (pkg) => {
  // pnpm links bins at install time, before any build: a bin under the git-ignored dist/ made
  // the first install of a clone warn "Failed to create bin". Each bin is a committed file.
  it('points each bin at a file that is not git-ignored, so an install can link it unbuilt', async () => {
    for (const bin of pkg.bins) {
      const path = join('packages', pkg.folder, bin)
      const ignored = await run('git', ['check-ignore', '--quiet', '--no-index', path], {
        cwd: ROOT,
        timeoutMs: 10_000,
      })
      expect(ignored.code, `${path} is git-ignored`).toBe(1)
      expect(existsSync(join(ROOT, path)), `${path} exists`).toBe(true)
    }
  })
})

describe('changesets', () => {
  it('versions every publishable package together in one fixed group', () => {
    const config = JSON.parse(readFileSync(join(ROOT, '.changeset/config.json'), 'utf8')) as {
      fixed: string[][]
    }
    expect(config.fixed).toHaveLength(1)
    expect([...config.fixed[0]!].sort()).toEqual(packages.map((p) => p.name).sort())
  })
})
