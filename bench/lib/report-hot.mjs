// The "Hot" section of docs/benchmarks.md: one token reused, every framework's targets.
import { FRAMEWORKS } from './targets.mjs'
import {
  cpuCol,
  findRow,
  HOT_TARGET,
  int,
  name,
  perCpuRatio,
  provenance,
  ratio,
  roundRange,
  roundRatio,
  verdict,
} from './report-format.mjs'

/** `{ lines, summary }`; the telemetry rows timed in the same workload have a section of their own. */
export function renderHot(run) {
  const lines = []
  const out = (line = '') => lines.push(line)
  const summary = []
  out('## Hot: one token reused (RS256)')
  out()
  out(provenance(run))
  out()
  out(
    '"per CPU" compares server CPU time per request instead of wall-clock throughput: it is what the ratio would be with the core to itself. ' +
      '"Rounds" is the lowest and highest of the per-round ratios whose median is shown. ' +
      'The row "again in a second process" is the bare framework timed a second time in every round, in processes of its own, exactly like the first: ' +
      'its distance from 1.00x is the noise floor of this run, and a ratio closer to a target than that proves nothing either way.',
  )
  out()
  out(
    '| Target | req/s | vs without auth | rounds | server CPU | CPU µs/request | vs without auth, per CPU |',
  )
  out('|---|---:|---:|---:|---:|---:|---:|')
  for (const framework of FRAMEWORKS) {
    const bare = findRow(run.throughput, { workload: 'hot', framework, kind: 'bare' })
    const rows = run.throughput.filter(
      (r) =>
        r.workload === 'hot' && r.target.framework === framework && r.target.kind !== 'telemetry',
    )
    for (const row of rows) {
      out(hotRow(row, bare))
      if (row.target.kind === 'ours') summary.push(summaryLine(run, framework, row, bare))
    }
  }
  out()
  return { lines, summary }
}

function hotRow(row, bare) {
  const r = roundRatio(row.rounds, bare.rounds)
  const perCpu = perCpuRatio(row, bare)
  const ours = row.target.kind === 'ours'
  const note = ours ? ` (${verdict(r, HOT_TARGET)})` : ''
  const cpuNote = ours && perCpu !== undefined ? ` (${verdict(perCpu, HOT_TARGET)})` : ''
  const isBare = row.target.kind === 'bare'
  return `| ${name(row)} | ${int(row.rps)} | ${isBare ? '1.00x' : ratio(r) + note} | ${isBare ? '' : roundRange(row.rounds, bare.rounds)} | ${cpuCol(row)} | ${perCpu === undefined ? 'n/a' : ratio(perCpu) + cpuNote} |`
}

function summaryLine(run, framework, row, bare) {
  const r = roundRatio(row.rounds, bare.rounds)
  const perCpu = perCpuRatio(row, bare)
  const empty = findRow(run.throughput, { workload: 'hot', framework, kind: 'empty' })
  const again = findRow(run.throughput, { workload: 'hot', framework, kind: 'again' })
  const referenceNote =
    (empty === undefined
      ? ''
      : `; one empty middleware alone: ${ratio(roundRatio(empty.rounds, bare.rounds))}`) +
    (again === undefined
      ? ''
      : `; the bare framework again, in a second process: ${ratio(roundRatio(again.rounds, bare.rounds))}`)
  return `hot ${framework}: ${ratio(r)} of the bare framework's throughput (${verdict(r, HOT_TARGET)}); ${perCpu === undefined ? 'n/a' : ratio(perCpu)} per CPU${referenceNote}`
}
