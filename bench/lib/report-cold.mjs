// The two "Cold" sections of docs/benchmarks.md: distinct tokens, every request verified.
import { FRAMEWORKS } from './targets.mjs'
import {
  COLD_TARGET,
  cpuCol,
  findRow,
  int,
  name,
  perCpuRatio,
  provenance,
  ratio,
  roundRatio,
  verdict,
} from './report-format.mjs'

/** `{ lines, summary }` for RS256 then ES256; needs the in-process minimal check's ops/s. */
export function renderCold(run) {
  const lines = []
  const summary = []
  for (const alg of ['RS256', 'ES256']) coldAlg(run, alg, lines, summary)
  return { lines, summary }
}

function coldAlg(run, alg, lines, summary) {
  const out = (line = '') => lines.push(line)
  const minimalUs = 1e6 / run.inProcess[alg].minimalJwt
  out(`## Cold: ${int(run.settings.coldTokens)} distinct tokens cycled (${alg})`)
  out()
  out(provenance(run))
  out()
  out(
    'Two yardsticks for the limit, both from this run. **In place**: the minimal JWT check of `bench/lib/minimal.mjs` ' +
      '(split, decode, one node:crypto verify, iss/aud/exp; no cache, no other check) as a hook in the same framework, under the same load. ' +
      `**Formula** (the issue's): 1e6 / (bare µs per request + minimal JWT verify µs in-process, ${minimalUs.toFixed(1)} µs). ` +
      'The formula assumes a verification costs inside a loaded server what it costs in a tight loop; the in-place row shows how far that holds on this machine, ' +
      'and is the limit any implementation can reach here. ' +
      'Our servers run here with the verified-token cache off (`cache: false`), so every request is verified: ' +
      'with the cache on, tokens that come round again would be partly served from it (it admits a token seen twice), which is not what this workload measures. ' +
      'For tokens that really are fresh, the cache on costs one lookup and no insert (it stops storing one-shot tokens).',
  )
  out()
  out(
    '| Target | req/s | vs without auth | vs minimal check in place | vs formula limit | server CPU | CPU µs/request | vs minimal check in place, per CPU |',
  )
  out('|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const framework of FRAMEWORKS)
    coldFramework(run, { alg, framework, minimalUs }, out, summary)
  if (alg !== 'RS256')
    out('\nfastify-auth0-verify is left out of ES256: it accepts RS256 and EdDSA keys only.')
  out()
}

function coldFramework(run, { alg, framework, minimalUs }, out, summary) {
  const bare = findRow(run.throughput, { workload: 'cold', alg, framework, kind: 'bare' })
  const inPlace = findRow(run.throughput, { workload: 'cold', alg, framework, kind: 'limit' })
  const limitOf = (x, b) => x / (1e6 / (1e6 / b + minimalUs))
  const formula = 1e6 / (1e6 / bare.rps + minimalUs)
  const formulaCpuUs = bare.cpuUs === undefined ? undefined : bare.cpuUs + minimalUs
  out(
    `| *${framework} formula limit* | *${int(formula)}* | | | *1.00x* | | ${formulaCpuUs === undefined ? '' : `*${formulaCpuUs.toFixed(1)}*`} | |`,
  )
  const rows = run.throughput.filter(
    (r) => r.workload === 'cold' && r.alg === alg && r.target.framework === framework,
  )
  for (const row of rows) {
    if (row.target.kind === 'bare') {
      out(`| ${name(row)} | ${int(row.rps)} | 1.00x | | | ${cpuCol(row)} | |`)
      continue
    }
    const vsPlace = roundRatio(row.rounds, inPlace.rounds)
    const vsFormula = roundRatio(row.rounds, bare.rounds, limitOf)
    const perCpu = perCpuRatio(row, inPlace)
    const ours = row.target.kind === 'ours'
    const limit = row.target.kind === 'limit'
    const mark = (value) => ratio(value) + (ours ? ` (${verdict(value, COLD_TARGET)})` : '')
    const place = limit ? '1.00x' : mark(vsPlace)
    const cpuRatio = limit ? '1.00x' : perCpu === undefined ? 'n/a' : mark(perCpu)
    out(
      `| ${name(row)} | ${int(row.rps)} | ${ratio(roundRatio(row.rounds, bare.rounds))} | ${place} | ${mark(vsFormula)} | ${cpuCol(row)} | ${cpuRatio} |`,
    )
    if (!ours) continue
    summary.push(
      `cold ${alg} ${framework}: ${ratio(vsPlace)} of the minimal check in place (${verdict(vsPlace, COLD_TARGET)}), ` +
        `${perCpu === undefined ? 'n/a' : ratio(perCpu)} per CPU; ${ratio(vsFormula)} of the formula limit (${verdict(vsFormula, COLD_TARGET)}), ` +
        `where the minimal check itself reaches ${ratio(roundRatio(inPlace.rounds, bare.rounds, limitOf))}`,
    )
  }
}
