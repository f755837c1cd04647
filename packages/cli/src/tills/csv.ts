/** One till row of an import: `tillId,md5[,scopes,store]`. */
export interface TillRow {
  readonly line: number
  readonly tillId: string
  readonly md5: string
  readonly scopes: readonly string[]
  readonly store: string | undefined
}

export class CsvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `${problems.length} bad row${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`,
    )
  }
}

// RFC 7617 §2: a user-id has no colon and no control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TILL_ID = /^[^:\u0000-\u001f\u007f]{1,128}$/
const MD5_HEX = /^[0-9a-fA-F]{32}$/
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/ // RFC 6749 §3.3
const MAX_PROBLEMS = 50

/**
 * Parses till CSV. Blank lines and `#` comments are skipped, as is a header row starting with
 * `tillId`. Quoting is not supported (no field needs it). Every problem is reported with its
 * line number, and no error ever quotes the MD5 column: it is the till's credential.
 */
export function parseTillCsv(text: string): TillRow[] {
  const rows: TillRow[] = []
  const problems: string[] = []
  const seen = new Map<string, number>()
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, index) => {
    const line = index + 1
    const content = raw.trim()
    if (content === '' || content.startsWith('#')) return
    if (rows.length === 0 && problems.length === 0 && /^till_?id,/i.test(content)) return
    const result = parseRow(content, line)
    if (typeof result === 'string') {
      problems.push(`line ${line}: ${result}`)
      return
    }
    const first = seen.get(result.tillId)
    if (first !== undefined) {
      problems.push(`line ${line}: till ${JSON.stringify(result.tillId)} already on line ${first}`)
      return
    }
    seen.set(result.tillId, line)
    rows.push(result)
  })
  if (problems.length > 0) throw new CsvError(problems.slice(0, MAX_PROBLEMS))
  if (rows.length === 0) throw new CsvError(['the file has no till rows'])
  return rows
}

function parseRow(content: string, line: number): TillRow | string {
  if (content.includes('"')) return 'quoted fields are not supported'
  const fields = content.split(',').map((f) => f.trim())
  if (fields.length < 2 || fields.length > 4) {
    return `expected tillId,md5[,scopes,store] but found ${fields.length} field(s)`
  }
  const [tillId = '', md5 = '', scopeField = '', store = ''] = fields
  if (!TILL_ID.test(tillId)) return 'tillId must be 1-128 characters without colon or controls'
  if (!MD5_HEX.test(md5)) return 'md5 must be the 32-character hex MD5 of the till password'
  const scopes = scopeField.split(/\s+/).filter((s) => s !== '')
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s))
  if (bad !== undefined) return `scope ${JSON.stringify(bad)} is not a valid scope-token`
  return { line, tillId, md5: md5.toLowerCase(), scopes, store: store === '' ? undefined : store }
}
