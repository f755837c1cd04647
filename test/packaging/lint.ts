import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { run, transcript } from './run.js'
import { ROOT } from './workspace.js'

/**
 * publint's findings on a packed tarball, every level (suggestions included), one line each.
 * Linting the tarball pnpm made, not the folder, checks what a release really ships.
 */
export async function publintTarball(tarball: string): Promise<string[]> {
  const bytes = await readFile(tarball)
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const { messages, pkg } = await publint({
    pack: { tarball: data },
    level: 'suggestion',
  })
  return messages.map(
    (message) =>
      `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`,
  )
}

const ATTW = join(ROOT, 'node_modules', '.bin', 'attw')

/**
 * @arethetypeswrong/cli on a packed tarball, with the esm-only profile: these packages are ESM
 * by design, so the two resolutions that profile skips only restate that. `node10` predates
 * `exports`, and `node16 (from CJS)` models TypeScript's CJS mode, where a `require` of an ESM
 * file is always flagged (CJSResolvesToESM) though Node >= 20.19 runs it (the pack-install test
 * proves that). Everything else must resolve to a typed ESM file. Resolves with attw's report
 * when it finds a problem, undefined when clean. `--no-definitely-typed`: never ask the registry.
 */
export async function attwTarball(tarball: string): Promise<string | undefined> {
  const args = [tarball, '--profile', 'esm-only', '--no-definitely-typed']
  const result = await run(ATTW, [...args, '--format', 'ascii', '--no-color', '--no-emoji'], {
    cwd: ROOT,
    timeoutMs: 60_000,
  })
  return result.code === 0 ? undefined : transcript(result)
}

/** Both linters on every tarball: one line per problem, prefixed with the package name. */
export async function lintTarballs(tarballs: ReadonlyMap<string, string>): Promise<string[]> {
  const problems: string[] = []
  // In turn, not all at once: each attw is a TypeScript program, and CI has two cores.
  for (const [name, tarball] of tarballs) {
    for (const line of await publintTarball(tarball)) problems.push(`${name}: publint ${line}`)
    const attw = await attwTarball(tarball)
    if (attw !== undefined) problems.push(`${name}: attw\n${attw}`)
  }
  return problems
}
