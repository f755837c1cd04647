import { resolve } from 'node:path'
import { inspectTillSecret, readTillStoreFile, type TillRecord } from '@m2m-auth/core'
import { parseOptions } from './options.js'
import { UsageError, type Command } from '../io.js'

export const AUDIT_USAGE = `usage: m2m-auth tills audit <tills.json> [--json] [--fail-on-weak]

Summarises a till store: weak entries (legacy md5: secrets, which a leaked file would give
away), disabled and migrated tills, and how many tills still use Basic. Exits 1 with
--fail-on-weak when any weak entry is left. Never prints a secret.
`

export interface TillAudit {
  total: number
  scrypt: number
  weak: number
  disabled: number
  migrated: number
  /** Enabled, not migrated: still expected to arrive over Basic. */
  onBasic: number
  tills: { weak: string[]; disabled: string[]; migrated: string[] }
}

export const audit: Command = async (args, io) => {
  const { values, positionals } = parseOptions({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      'fail-on-weak': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    io.stdout.write(AUDIT_USAGE)
    return 0
  }
  if (positionals.length !== 1) throw new UsageError(`name one till store file\n\n${AUDIT_USAGE}`)
  const records = await readTillStoreFile(resolve(io.cwd, positionals[0]!))
  const report = auditTills([...records.values()])
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : render(report))
  return values['fail-on-weak'] && report.weak > 0 ? 1 : 0
}

export function auditTills(records: readonly TillRecord[]): TillAudit {
  const ids = (pick: (r: TillRecord) => boolean): string[] =>
    records.filter(pick).map((r) => r.tillId)
  const weak = ids((r) => inspectTillSecret(r.secret).weak)
  const disabled = ids((r) => r.disabled === true)
  const migrated = ids((r) => r.migrated === true)
  return {
    total: records.length,
    scrypt: records.length - weak.length,
    weak: weak.length,
    disabled: disabled.length,
    migrated: migrated.length,
    onBasic: ids((r) => r.disabled !== true && r.migrated !== true).length,
    tills: { weak, disabled, migrated },
  }
}

function render(a: TillAudit): string {
  const list = (ids: string[]): string => (ids.length === 0 ? '-' : ids.join(', '))
  return [
    `tills: ${a.total}`,
    `  scrypt: ${a.scrypt}  weak (md5 only): ${a.weak}`,
    `  disabled: ${a.disabled}  migrated to OAuth: ${a.migrated}  still on Basic: ${a.onBasic}`,
    `weak: ${list(a.tills.weak)}`,
    `disabled: ${list(a.tills.disabled)}`,
    `migrated: ${list(a.tills.migrated)}`,
    '',
  ].join('\n')
}
