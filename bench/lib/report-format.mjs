// Number formats, ratios and verdicts shared by the sections of docs/benchmarks.md.

export const HOT_TARGET = 0.9
export const COLD_TARGET = 0.85

export const int = (n) => Math.round(n).toLocaleString('en-US')
export const ratio = (n) => `${n.toFixed(2)}x`
export const us = (opsPerS) => (1e6 / opsPerS).toFixed(1)

/** The target's name, flagged when it refused valid tokens or dropped requests under load. */
export const name = (row) =>
  row.non2xx + row.errors === 0
    ? row.target.label
    : `${row.target.label} ⚠ ${int(row.non2xx)} refusals, ${int(row.errors)} timeouts/errors under load`

export const cpuCol = (row) =>
  row.cpu === undefined ? 'n/a | n/a' : `${Math.round(row.cpu * 100)}% | ${row.cpuUs.toFixed(1)}`

/** Each round's ratio of two targets, lowest first; `f` maps a round's pair to a ratio. */
const roundRatios = (a, b, f = (x, y) => x / y) =>
  Array.from({ length: Math.min(a.length, b.length) }, (_, i) => f(a[i], b[i])).sort(
    (x, y) => x - y,
  )

/**
 * The ratio of two targets as the median of their per-round ratios: the targets of one
 * framework run back to back within a round, so a machine that speeds up or slows down
 * between rounds (a shared VM does) cancels out.
 */
export const roundRatio = (a, b, f) => {
  const ratios = roundRatios(a, b, f)
  return ratios[Math.floor(ratios.length / 2)]
}

/** The lowest and highest per-round ratio: how far single rounds of this run strayed. */
export const roundRange = (a, b) => {
  const ratios = roundRatios(a, b)
  return `${ratios[0].toFixed(2)}–${ratios.at(-1).toFixed(2)}`
}

export const perCpuRatio = (row, base) =>
  row.cpuRounds?.length && base.cpuRounds?.length
    ? roundRatio(base.cpuRounds, row.cpuRounds)
    : undefined

export const verdict = (value, target) =>
  value >= target
    ? `meets >= ${target.toFixed(2)}x`
    : // 0.849 would print as 0.85x: say so, rather than seem to miss 0.85x with 0.85x.
      `**misses** ${target.toFixed(2)}x${value.toFixed(2) === target.toFixed(2) ? `, at ${value.toFixed(3)}x` : ''}`

/** The row of one target in one workload, or undefined. */
export const findRow = (throughput, { workload, alg = 'RS256', framework, kind, variant }) =>
  throughput.find(
    (r) =>
      r.workload === workload &&
      r.alg === alg &&
      r.target.framework === framework &&
      (kind === undefined || r.target.kind === kind) &&
      (variant === undefined || r.target.variant === variant),
  )

/**
 * The line each section carries under its heading: the run it comes from, so a section
 * rewritten by `--only` says when, by what command and on how busy a machine.
 */
export const provenance = (run) =>
  `_From \`${run.command}\`, ${run.date} UTC (whole run ${Math.round(run.elapsedS)} s); ` +
  `load average (1 min) ${run.loadBefore.toFixed(2)} before the run, ${run.loadAfter.toFixed(2)} after._`
