// The "DPoP" section of docs/benchmarks.md (issue #15): a DPoP-bound token with a fresh proof
// on every request, ours against a minimal hand-written check in place, and the plain bearer
// hot path of the same run against the bare framework.
import { FRAMEWORKS } from './targets.mjs'
import {
  cpuCol,
  int,
  name,
  perCpuRatio,
  provenance,
  ratio,
  roundRange,
  roundRatio,
  verdict,
} from './report-format.mjs'

export const DPOP_TARGET = 0.85
export const BEARER_TARGET = 0.95

/** `{ lines, summary }` from `run.dpop` (lib/dpop-workload.mjs). */
export function renderDpop(run) {
  const lines = []
  const out = (line = '') => lines.push(line)
  const summary = []
  const rounds = run.dpop[0]?.rounds.length ?? 0
  out('## DPoP: a fresh proof on every request (RFC 9449)')
  out()
  out(provenance(run))
  out()
  out(
    `A DPoP-bound token (RS256, \`cnf.jkt\`) is verified once and cached; its proof (ES256) is single-use, so every request costs one proof verification and one replay check. ` +
      `The load generator signs the proofs ahead of each timed run, each with its own \`jti\` and the right \`htm\`, \`htu\` and \`ath\`, and sends each once (autocannon, ${CONNECTIONS_NOTE}). ` +
      `"minimal DPoP check" is lib/minimal-dpop.mjs in place: parse the header, verify the ES256 signature with node:crypto against the embedded jwk, check htm, htu, iat, ath and the thumbprint = \`cnf.jkt\` of the cached token, an in-memory jti Set; nothing else. ` +
      `Ours (\`bearer.dpop: {}\`, the default in-process store, no nonce) verifies the proof with jose's \`jwtVerify\` and its embedded key, also checks the algorithm allowlist and the Authorization grammar (RFC 9449 §4.3), and renders RFC 6750 challenges. ` +
      `The "Bearer" rows are the plain bearer hot path (one token reused) of the same run: DPoP must leave it alone. ` +
      `${rounds} round(s) × ${run.settings.durationS} s per target, a new process per target per round, order reversed every other round; ratios are medians of per-round ratios.`,
  )
  out()
  out(
    '| Target | req/s | vs reference | rounds | server CPU | CPU µs/request | vs reference, per CPU |',
  )
  out('|---|---:|---:|---:|---:|---:|---:|')
  for (const framework of FRAMEWORKS) {
    const rows = run.dpop.filter((r) => r.framework === framework)
    const find = (dpop, kind) =>
      rows.find((r) => !!r.target.dpop === dpop && r.target.kind === kind)
    const pairs = [
      [find(false, 'bare'), find(false, 'ours'), BEARER_TARGET],
      [find(true, 'limit'), find(true, 'ours'), DPOP_TARGET],
    ]
    const verdicts = []
    for (const [reference, ours, target] of pairs) {
      out(`| ${name(reference)} | ${int(reference.rps)} | 1.00x | | ${cpuCol(reference)} | |`)
      const r = roundRatio(ours.rounds, reference.rounds)
      const perCpu = perCpuRatio(ours, reference)
      out(
        `| ${name(ours)} | ${int(ours.rps)} | ${ratio(r)} (${verdict(r, target)}) | ${roundRange(ours.rounds, reference.rounds)} | ${cpuCol(ours)} | ${perCpu === undefined ? 'n/a' : ratio(perCpu)} |`,
      )
      verdicts.push(`${ratio(r)} (${verdict(r, target)})`)
    }
    summary.push(
      `dpop ${framework}: a fresh proof per request at ${verdicts[1]} of the minimal hand-written DPoP check; plain Bearer in the same run at ${verdicts[0]} of the bare framework`,
    )
  }
  out()
  return { lines, summary }
}

const CONNECTIONS_NOTE = '32 connections, no pipelining'
