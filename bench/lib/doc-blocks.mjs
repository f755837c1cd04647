// docs/benchmarks.md is made of blocks between stable markers, so that `--only` can rewrite
// some sections and leave the others exactly as committed:
//   <!-- bench:hot:start --> ... <!-- bench:hot:end -->
// The Summary holds one sub-block per section (`summary-hot`, ...), rewritten with it.
import { SECTIONS } from './options.mjs'

const start = (name) => `<!-- bench:${name}:start -->`
const end = (name) => `<!-- bench:${name}:end -->`

/** A block's lines between its markers. */
export function block(name, lines) {
  return [start(name), ...lines, end(name)]
}

/**
 * `doc` with each of `blocks` ({ name, lines }, markers included) put in place of the block of
 * that name; a block the document lacks goes before the next block (in document order) that
 * it has: the next section, or the end of the Summary for a summary sub-block.
 */
export function spliceBlocks(doc, blocks) {
  let text = doc
  for (const { name, lines } of blocks) {
    const body = lines.join('\n')
    const from = text.indexOf(start(name))
    const to = text.indexOf(end(name))
    if (from !== -1 && to > from) {
      text = text.slice(0, from) + body + text.slice(to + end(name).length)
      continue
    }
    const at = insertionPoint(text, name)
    text = `${text.slice(0, at)}${body}\n${text.slice(at)}`
  }
  return text
}

function insertionPoint(text, name) {
  const summary = name.startsWith('summary-')
  const order = summary ? SECTIONS.map((s) => `summary-${s}`) : SECTIONS
  const markers = [
    ...order.slice(order.indexOf(name) + 1).map(start),
    summary ? end('summary') : start('summary'),
  ]
  for (const marker of markers) {
    const at = text.indexOf(marker)
    if (at !== -1) return at
  }
  throw new Error(`docs/benchmarks.md has no marked block to put ${name} before`)
}
