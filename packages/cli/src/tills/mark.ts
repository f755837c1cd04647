import { resolve } from 'node:path'
import { readTillStoreFile, type TillRecord } from '@m2m-auth/core'
import { parseOptions } from './options.js'
import { UsageError, type Command } from '../io.js'
import { writeFileAtomic } from './write-atomic.js'

export const MARK_USAGE = `usage: m2m-auth tills mark <tills.json> (--migrated | --disabled | --enabled | --basic) <tillId>...

Flags tills in a store file, atomically (a running fileTillStore picks the change up):
  --migrated   the till now uses OAuth; Basic is refused for it
  --basic      undo --migrated
  --disabled   refuse the till everywhere (Basic and attribution)
  --enabled    undo --disabled
Unknown till ids fail the command and nothing is written.
`

const FLAGS = {
  migrated: ['migrated', true],
  basic: ['migrated', false],
  disabled: ['disabled', true],
  enabled: ['disabled', false],
} as const

export const mark: Command = async (args, io) => {
  const { values, positionals } = parseOptions({
    args,
    allowPositionals: true,
    options: {
      migrated: { type: 'boolean' },
      basic: { type: 'boolean' },
      disabled: { type: 'boolean' },
      enabled: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    io.stdout.write(MARK_USAGE)
    return 0
  }
  const chosen = (Object.keys(FLAGS) as Array<keyof typeof FLAGS>).filter((f) => values[f])
  const [file, ...ids] = positionals
  if (chosen.length !== 1 || file === undefined || ids.length === 0) {
    throw new UsageError(
      `name a store file, exactly one flag and at least one till\n\n${MARK_USAGE}`,
    )
  }
  const path = resolve(io.cwd, file)
  const records = await readTillStoreFile(path)
  const unknown = ids.filter((id) => !records.has(id))
  if (unknown.length > 0) throw new UsageError(`unknown till(s): ${unknown.join(', ')}`)
  const [field, on] = FLAGS[chosen[0]!]
  const tills = [...records.values()].map((r) => (ids.includes(r.tillId) ? flag(r, field, on) : r))
  await writeFileAtomic(path, `${JSON.stringify({ tills }, null, 2)}\n`)
  io.stdout.write(`${chosen[0]}: ${ids.join(', ')}\n`)
  return 0
}

function flag(record: TillRecord, field: 'migrated' | 'disabled', on: boolean): TillRecord {
  const next: { -readonly [K in keyof TillRecord]: TillRecord[K] } = { ...record }
  delete next[field]
  return on ? { ...next, [field]: true } : next
}
