/** One sample line of a scrape: `name{label="value",...} value`. */
export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

// Prometheus text exposition format 0.0.4: `name{labels} value [timestamp]`, label values
// quoted with `\\`, `\"` and `\n` escaped.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy
const UNESCAPE: Record<string, string> = { n: '\n', '\\': '\\', '"': '"' }

/** The samples of a scrape; comment lines (`# HELP`, `# TYPE`, `# UNIT`) are skipped. */
export function parseScrape(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const match = SAMPLE.exec(trimmed)
    if (match === null) throw new Error(`not a Prometheus sample line: ${trimmed.slice(0, 120)}`)
    const [, name, labels = '', value] = match
    samples.push({ name: name!, labels: parseLabels(labels), value: Number(value) })
  }
  return samples
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  LABEL.lastIndex = 0
  let consumed = 0
  for (let match = LABEL.exec(text); match !== null; match = LABEL.exec(text)) {
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c)
    consumed = LABEL.lastIndex
  }
  if (consumed !== text.length) throw new Error(`unreadable labels: {${text.slice(0, 120)}}`)
  return labels
}

/** The sum of `name`'s samples whose labels include every pair in `where`. */
export function total(
  samples: readonly Sample[],
  name: string,
  where: Readonly<Record<string, string>> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)
}
