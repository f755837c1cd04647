// The "Telemetry" section of docs/benchmarks.md (issue #16): our adapter with the OpenTelemetry
// SDK and a metric reader registered, next to the bare framework and our adapter without it.
import { readFileSync } from 'node:fs'
import { FRAMEWORKS } from './targets.mjs'
import {
  cpuCol,
  findRow,
  int,
  name,
  perCpuRatio,
  provenance,
  ratio,
  roundRange,
  roundRatio,
  verdict,
} from './report-format.mjs'

export const TELEMETRY_TARGET = 0.95

const sdkVersion = () =>
  JSON.parse(
    readFileSync(
      new URL('../node_modules/@opentelemetry/sdk-metrics/package.json', import.meta.url),
      'utf8',
    ),
  ).version

/** `{ lines, summary }`, from the hot workload's bare, again, ours and telemetry rows. */
export function renderTelemetry(run) {
  const lines = []
  const out = (line = '') => lines.push(line)
  const summary = []
  out('## Telemetry: hot, with the OpenTelemetry SDK registered (RS256)')
  out()
  out(provenance(run))
  out()
  out(
    `The "+ OpenTelemetry SDK" servers register a \`MeterProvider\` of \`@opentelemetry/sdk-metrics\` ${sdkVersion()} globally, with a \`PeriodicExportingMetricReader\` ` +
      "(export interval 1 h, over an `InMemoryMetricExporter`), before they create the authenticator; everything else is the plain adapter's server. " +
      "Core records `m2m_auth.authentication.duration` (a histogram) through the SDK on every request and tallies its counters itself, handing them to the SDK only when a reader collects (observable counters): the SDK's cost per request is the histogram record. " +
      "Each such server's reader is collected when it stops, and the run fails unless the histogram counted at least every request timed. " +
      'The targets of a framework run back to back in every round, each in a new process, as in the hot section; every ratio is the median of the per-round ratios, "rounds" their range. ' +
      `The goal is ${TELEMETRY_TARGET.toFixed(2)}x of the bare framework with metrics on; the bare framework timed again in a second process is this run's noise floor.`,
  )
  out()
  out(
    '| Target | req/s | vs without auth | rounds | vs ours without the SDK | rounds | server CPU | CPU µs/request | vs without auth, per CPU |',
  )
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const framework of FRAMEWORKS) {
    const find = (kind) => findRow(run.throughput, { workload: 'hot', framework, kind })
    const bare = find('bare')
    const ours = find('ours')
    for (const row of ['bare', 'again', 'ours', 'telemetry'].map(find)) {
      if (row === undefined) continue
      out(telemetryRow(row, bare, ours))
    }
    const sdk = find('telemetry')
    const again = find('again')
    const vsBare = roundRatio(sdk.rounds, bare.rounds)
    summary.push(
      `telemetry ${framework}: with the OpenTelemetry SDK ${ratio(vsBare)} of the bare framework (${verdict(vsBare, TELEMETRY_TARGET)}), ` +
        `${ratio(roundRatio(sdk.rounds, ours.rounds))} of our adapter without it` +
        (again === undefined
          ? ''
          : `; the bare framework again, in a second process: ${ratio(roundRatio(again.rounds, bare.rounds))}`),
    )
  }
  out()
  if (run.telemetryInProcess !== undefined) inProcess(run, out, summary)
  return { lines, summary }
}

/** The same hot path in one process, without and with the SDK, timed alternately. */
function inProcess(run, out, summary) {
  const t = run.telemetryInProcess
  const costUs = 1e6 / t.with - 1e6 / t.without
  out(
    `In-process, one core: m2m-auth \`authenticateNow()\` with a reused token, in one process with no MeterProvider registered and with the SDK's as above, ` +
      `switched between passes and timed alternately in ${run.settings.pairedRounds} rounds of ${run.settings.inProcessMs} ms, so that load on the machine falls on both alike: ` +
      'ops/s are the median round, the ratio the median of the per-round ratios.',
  )
  out()
  out(
    '| Operation | no MeterProvider, ops/s | with the SDK, ops/s | with / without | rounds | difference per call |',
  )
  out('|---|---:|---:|---:|---:|---:|')
  out(
    `| m2m-auth \`authenticateNow()\`, reused bearer token | ${int(t.without)} | ${int(t.with)} | ${ratio(t.ratio)} | ${t.ratioRange[0].toFixed(2)}–${t.ratioRange[1].toFixed(2)} | ${costUs.toFixed(2)} µs |`,
  )
  out()
  summary.push(
    `telemetry in-process: the hot path with the SDK ${ratio(t.ratio)} of without (${int(t.with)} against ${int(t.without)} ops/s, ${costUs.toFixed(2)} µs more per call)`,
  )
}

function telemetryRow(row, bare, ours) {
  const kind = row.target.kind
  const vsBare = roundRatio(row.rounds, bare.rounds)
  const perCpu = perCpuRatio(row, bare)
  const sdk = kind === 'telemetry'
  const bareCols =
    kind === 'bare'
      ? '1.00x | '
      : `${ratio(vsBare)}${sdk ? ` (${verdict(vsBare, TELEMETRY_TARGET)})` : ''} | ${roundRange(row.rounds, bare.rounds)}`
  const oursCols = sdk
    ? `${ratio(roundRatio(row.rounds, ours.rounds))} | ${roundRange(row.rounds, ours.rounds)}`
    : kind === 'ours'
      ? '1.00x | '
      : ' | '
  const cpuRatio =
    perCpu === undefined
      ? 'n/a'
      : ratio(perCpu) + (sdk ? ` (${verdict(perCpu, TELEMETRY_TARGET)})` : '')
  return `| ${name(row)} | ${int(row.rps)} | ${bareCols} | ${oursCols} | ${cpuCol(row)} | ${cpuRatio} |`
}
