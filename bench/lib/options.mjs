// The command line of `pnpm bench`, parsed once.
//   --quick         one short round (a smoke test of the harness; figures are noisy)
//   --wrk           use wrk instead of autocannon as the load generator (if installed)
//   --no-write      print the report without writing docs/benchmarks.md
//   --only a,b      run only those sections and rewrite only them in docs/benchmarks.md
import { parseArgs } from 'node:util'

/** The report's sections, in document order; `--only` names some of them. */
export const SECTIONS = ['hot', 'cold', 'inprocess', 'memory', 'fleet', 'telemetry', 'dpop']

/** `{ quick, generator, write, only, sections, command }`; throws a TypeError on a bad flag. */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      wrk: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      only: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  })
  const only = values.only === undefined ? undefined : onlySections(values.only)
  return {
    quick: values.quick,
    generator: values.wrk ? 'wrk' : 'autocannon',
    write: !values['no-write'],
    only,
    sections: new Set(only ?? SECTIONS),
    command: `pnpm bench${argv.map((a) => ` ${a}`).join('')}`,
  }
}

function onlySections(value) {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const unknown = names.filter((s) => !SECTIONS.includes(s))
  if (names.length === 0 || unknown.length > 0)
    throw new TypeError(
      `"--only" takes sections from ${SECTIONS.join(', ')}; got ${JSON.stringify(value)}`,
    )
  // Document order, whatever order they were named in.
  return SECTIONS.filter((s) => names.includes(s))
}
