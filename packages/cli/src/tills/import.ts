import { access, readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { hashTillSecret, type TillRecord } from '@m2m-auth/core'
import { UsageError, type Command, type Io } from '../io.js'
import { parseTillCsv, type TillRow } from './csv.js'
import { costOption, pepperFrom, parseOptions } from './options.js'
import { writeFileAtomic } from './write-atomic.js'

export const IMPORT_USAGE = `usage: m2m-auth tills import <tills.csv | -> --out <tills.json> [--force] [--cost-ln N]

Reads rows "tillId,md5[,scopes,store]" (scopes space-separated; blank lines, # comments
and a "tillId,..." header are skipped) and writes a till store file for fileTillStore(),
every MD5 wrapped in scrypt. Any bad row fails the whole import with its line number and
nothing is written; the output replaces the old file atomically (--force to overwrite).
The pepper, if any, comes from $M2M_AUTH_TILL_PEPPER.
`

/** scrypt runs in libuv's pool (4 threads by default); more in flight would only queue. */
const CONCURRENCY = 4

export const importTills: Command = async (args, io) => {
  const { values, positionals } = parseOptions({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      'cost-ln': { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    io.stdout.write(IMPORT_USAGE)
    return 0
  }
  if (positionals.length !== 1) throw new UsageError(`name one CSV file (or -)\n\n${IMPORT_USAGE}`)
  if (values.out === undefined) throw new UsageError(`--out is required\n\n${IMPORT_USAGE}`)
  const out = resolve(io.cwd, values.out)
  if (!values.force && (await exists(out))) {
    throw new UsageError(`${values.out} exists; pass --force to replace it`)
  }
  const options = { pepper: pepperFrom(io.env), cost: costOption(values['cost-ln']) }
  const rows = parseTillCsv(await readInput(positionals[0]!, io))
  const tills = await mapLimited(rows, CONCURRENCY, (row) => toRecord(row, options))
  await writeFileAtomic(out, `${JSON.stringify({ tills }, null, 2)}\n`)
  io.stdout.write(`imported ${tills.length} till(s) into ${values.out}\n`)
  return 0
}

async function toRecord(
  row: TillRow,
  options: { pepper: string | undefined; cost: { ln: number } | undefined },
): Promise<TillRecord> {
  const secret = await hashTillSecret(row.md5, options)
  return {
    tillId: row.tillId,
    secret,
    scopes: row.scopes,
    ...(row.store === undefined ? {} : { store: row.store }),
  }
}

async function readInput(name: string, io: Io): Promise<string> {
  if (name === '-') return io.readStdin()
  try {
    return await readFile(resolve(io.cwd, name), 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
