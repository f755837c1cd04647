// Just enough PromQL reading to know which metrics and labels a dashboard query uses.

const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/gi
// Binary operators and modifiers written as words: never metric names.
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan'])

/**
 * The metric names an expression selects: identifiers left once strings, label matchers,
 * ranges and label lists are taken out, except function calls and keywords.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(STRING, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(GROUPING, ' ')
  const names = new Set<string>()
  for (const [, name, call] of bare.matchAll(/(?<![\w$.:])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    if (call === undefined && !KEYWORDS.has(name!.toLowerCase())) names.add(name!)
  }
  return [...names]
}

/** The label names an expression filters on (`{name="…"}`) or groups by (`by (name)`). */
export function labelNames(expr: string): string[] {
  const text = expr.replace(STRING, '""')
  const names = new Set<string>()
  for (const [, matchers] of text.matchAll(/\{([^}]*)\}/g)) {
    for (const [, name] of matchers!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) names.add(name!)
  }
  for (const [, list] of text.matchAll(GROUPING)) {
    for (const name of list!.split(',').map((n) => n.trim())) if (name !== '') names.add(name)
  }
  return [...names]
}

/** Grafana's `label_values(metric, label)` variable query: the metric and the label. */
export function labelValuesQuery(query: string): { metric: string; label: string } | undefined {
  const match = /^label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*([a-zA-Z_]\w*)\s*\)$/.exec(query.trim())
  return match === null ? undefined : { metric: match[1]!, label: match[2]! }
}
