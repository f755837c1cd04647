// `pnpm lint:packages`: packs every package as a release would, then runs publint and
// @arethetypeswrong/cli on each tarball (see lint.ts). The same checks run in `pnpm test`
// (package-lint.test.ts); this is the command to run them alone.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lintTarballs } from './lint.js'
import { packPackages } from './workspace.js'

const destination = await mkdtemp(join(tmpdir(), 'm2m-auth-lint-'))
try {
  const tarballs = await packPackages(destination)
  const problems = await lintTarballs(tarballs)
  for (const name of tarballs.keys()) {
    const mine = problems.filter((line) => line.startsWith(`${name}: `))
    process.stdout.write(`${mine.length === 0 ? 'ok  ' : 'FAIL'} ${name}\n`)
  }
  for (const line of problems) process.stderr.write(`${line}\n`)
  process.exitCode = problems.length === 0 ? 0 : 1
} finally {
  await rm(destination, { recursive: true, force: true })
}
