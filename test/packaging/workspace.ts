import { readdirSync, readFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { run, transcript } from './run.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The pnpm the repository pins (package.json `packageManager`), as README and CI run it. */
export const PNPM = ['npx', '--yes', 'pnpm@10.34.8'] as const

export interface WorkspacePackage {
  readonly name: string
  readonly version: string
  /** Folder name under packages/. */
  readonly folder: string
  /** The paths its `bin` field names, relative to its folder. */
  readonly bins: readonly string[]
}

/** Every package under packages/ that is not private: what a release publishes. */
export function publishablePackages(): WorkspacePackage[] {
  const folders = readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
  return folders
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ folder: entry.name, manifest: readManifest(entry.name) }))
    .filter(({ manifest }) => manifest !== undefined && manifest.private !== true)
    .map(({ folder, manifest }) => ({
      folder,
      name: manifest!.name,
      version: manifest!.version,
      bins:
        typeof manifest!.bin === 'string' ? [manifest!.bin] : Object.values(manifest!.bin ?? {}),
    }))
}

interface Manifest {
  name: string
  version: string
  private?: boolean
  bin?: string | Record<string, string>
}

function readManifest(folder: string): Manifest | undefined {
  try {
    return JSON.parse(
      readFileSync(join(ROOT, 'packages', folder, 'package.json'), 'utf8'),
    ) as Manifest
  } catch {
    return undefined
  }
}

/**
 * `pnpm -r pack` of every package under packages/ into `destination`, as a release would pack
 * them (pnpm rewrites `workspace:^` to the real version). Expects dist/ built (`tsc -b`).
 * Resolves with each package's tarball path by package name.
 */
export async function packPackages(destination: string): Promise<Map<string, string>> {
  const [command, ...args] = PNPM
  const result = await run(
    command,
    [...args, '-r', '--filter', './packages/*', 'pack', '--pack-destination', destination],
    { cwd: ROOT, timeoutMs: 60_000 },
  )
  if (result.code !== 0) throw new Error(`pnpm -r pack failed: ${transcript(result)}`)
  const tarballs = new Map<string, string>()
  const files = await readdir(destination)
  for (const pkg of publishablePackages()) {
    const file = `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`
    if (!files.includes(file)) throw new Error(`pnpm -r pack made no ${file}: ${files.join(', ')}`)
    tarballs.set(pkg.name, join(destination, file))
  }
  return tarballs
}

/** One file of a packed tarball, as text (`tar` reads the gzip; every package sits in package/). */
export async function readPacked(tarball: string, path: string): Promise<string> {
  const result = await run('tar', ['-xzOf', tarball, `package/${path}`], {
    cwd: ROOT,
    timeoutMs: 10_000,
  })
  if (result.code !== 0) throw new Error(`${path} is not in ${tarball}: ${result.stderr}`)
  return result.stdout
}

/** The paths a packed tarball holds, relative to its package/ folder. */
export async function listPacked(tarball: string): Promise<string[]> {
  const result = await run('tar', ['-tzf', tarball], { cwd: ROOT, timeoutMs: 10_000 })
  if (result.code !== 0) throw new Error(`cannot list ${tarball}: ${result.stderr}`)
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''))
}
