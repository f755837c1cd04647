// `pnpm docs:generate`: rewrites the generated regions of the docs (the presets table in
// README.md and docs/readme-sections/issuers.md) from the code. The rendering is TypeScript
// (test/docs/presets-table.ts, type-checked and linted with the tests, and compared with the
// committed files by test/docs/presets-table.test.ts); this file only loads it and writes.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const { generatedDocs } = await import('../test/docs/presets-table.ts')
const root = fileURLToPath(new URL('..', import.meta.url))
for (const { file, committed, generated } of await generatedDocs(root)) {
  if (committed === generated) continue
  await writeFile(join(root, file), generated)
  process.stdout.write(`docs:generate: rewrote ${file}\n`)
}
