import type { KeyNode, Nested, OptionSchema, Shape } from './known-keys.js'

export interface KeyCheckOptions {
  /** The options come from a JSON file: options only code can pass are unknown there. */
  readonly json?: boolean
}

/**
 * Refuses keys the options do not have, so a typo (`audiance`) fails at construction instead
 * of silently meaning "not set". The TypeError names the full path (`bearer[1].audiance`) and,
 * when there is one, the option that was probably meant. Runs once per factory call, never
 * per request.
 */
export function checkOptionKeys(
  options: unknown,
  schema: OptionSchema,
  { json = false }: KeyCheckOptions = {},
): void {
  checkShape(options, schema.keys, '', { schema, json })
}

interface Walk {
  readonly schema: OptionSchema
  readonly json: boolean
}

function checkShape(value: unknown, shape: Shape, prefix: string, walk: Walk): void {
  if (!isPlainObject(value)) return // not an object: the option's own validator says so
  for (const key of Object.keys(value)) {
    const path = `${prefix}${key}`
    // Own keys only: `constructor` or `__proto__` must not match Object.prototype.
    const node = Object.hasOwn(shape, key) ? shape[key] : undefined
    if (node === undefined || !carried(node, walk.json)) {
      throw new TypeError(unknownOption(path, key, shape, prefix, walk))
    }
    if (typeof node === 'object') checkNested(value[key], node, path, walk)
  }
}

function checkNested(value: unknown, node: Nested, path: string, walk: Walk): void {
  if (!Array.isArray(value)) return checkShape(value, node.keys, `${path}.`, walk)
  value.forEach((entry, i) => checkShape(entry, node.keys, `${path}[${i}].`, walk))
}

function unknownOption(
  path: string,
  key: string,
  shape: Shape,
  prefix: string,
  walk: Walk,
): string {
  const retired = walk.schema.retired[path.replace(/\[\d+\]/g, '')]
  if (retired !== undefined) return `"${path}" is no longer an option: ${retired}`
  const names = Object.keys(shape).filter((name) => carried(shape[name]!, walk.json))
  const close = closest(key, names)
  if (close !== undefined) return `"${path}" is not a known option (did you mean "${close}"?)`
  // The right name one level down (`basic.sunset` for `basic.deprecation.sunset`).
  const parent = names.find((name) => {
    const node = shape[name]!
    return (
      typeof node === 'object' &&
      Object.hasOwn(node.keys, key) &&
      carried(node.keys[key]!, walk.json)
    )
  })
  if (parent !== undefined) {
    return `"${path}" is not a known option (did you mean "${prefix}${parent}.${key}"?)`
  }
  return `"${path}" is not a known option`
}

/** Whether a key may appear in this source: a JSON file cannot carry functions or stores. */
function carried(node: KeyNode, json: boolean): boolean {
  if (!json) return true
  return typeof node === 'object' ? node.json : node === 'value'
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * The known name closest to `name` and within two edits of it (one for a name of up to three
 * characters, which two edits would turn into anything), ignoring case: a typo, if any.
 */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = name.length <= 3 ? 2 : 3
  for (const candidate of known) {
    const d = distance(candidate.toLowerCase(), name.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best
}

/** Levenshtein distance, one row at a time. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}
