import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import ts from 'typescript'
import { run, transcript } from './run.js'

/** What the consumer adds from the registry beside our tarballs, as the README tells it to. */
export const CONSUMER_DEPENDENCIES = [
  'express@5',
  'typescript@~5.9',
  '@types/express@5',
  '@types/node@20',
] as const

const SERVER = new URL('./app/server.ts', import.meta.url)

// A consumer's own strict configuration; skipLibCheck off, so our .d.ts files must compile
// in someone else's program too.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    verbatimModuleSyntax: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
  },
  files: ['server.ts'],
}

/**
 * Makes `dir` (empty, outside the workspace) an app that depends on every tarball, installed
 * with plain npm, and holds app/server.ts with its tsconfig and its transpiled server.js.
 */
export async function createConsumerApp(dir: string, tarballs: readonly string[]): Promise<void> {
  const manifest = { name: 'm2m-auth-consumer', version: '1.0.0', private: true, type: 'module' }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const install = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...tarballs,
      ...CONSUMER_DEPENDENCIES,
    ],
    { cwd: dir, timeoutMs: 150_000 },
  )
  if (install.code !== 0) throw new Error(`npm install failed: ${transcript(install)}`)
  await copyFile(SERVER, join(dir, 'server.ts'))
  await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`)
  await writeFile(join(dir, 'server.js'), transpile(await readFile(SERVER, 'utf8')))
}

/** Types stripped, nothing checked: the check is the app's own `tsc --noEmit`. */
function transpile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  }).outputText
}
