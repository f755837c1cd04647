// The "In-process" and "Memory" (with "Allocation per request") sections of docs/benchmarks.md.
import { HOT_TARGET, int, provenance, ratio, us, verdict } from './report-format.mjs'

const OPS = [
  ['cryptoVerify', 'node:crypto `verify()` alone (the signature check)'],
  ['minimalJwt', 'minimal JWT check: split, decode, node:crypto verify, iss/aud/exp'],
  ['joseJwtVerify', 'jose `jwtVerify()` with a local key (WebCrypto)'],
  ['oursCold', 'm2m-auth `authenticate()` cold (distinct tokens, cache off: every call verified)'],
  ['oursColdNow', 'm2m-auth `authenticateNow()` cold (what the adapters call)'],
  ['oursHot', 'm2m-auth `authenticate()` hot (same token)'],
  ['oursHotNow', 'm2m-auth `authenticateNow()` hot (what the adapters call)'],
]

/** `{ lines, summary }` of the in-process table. */
export function renderInProcess(run) {
  const { inProcess } = run
  const lines = []
  const out = (line = '') => lines.push(line)
  out('## In-process (one core, sequential calls)')
  out()
  out(provenance(run))
  out()
  out('| Operation | RS256 ops/s | RS256 µs/op | ES256 ops/s | ES256 µs/op |')
  out('|---|---:|---:|---:|---:|')
  for (const [key, label] of OPS) {
    const rs = inProcess.RS256[key]
    const es = inProcess.ES256[key]
    out(`| ${label} | ${int(rs)} | ${us(rs)} | ${int(es)} | ${us(es)} |`)
  }
  for (const extra of inProcess.extra ?? [])
    out(`| ${extra.label} | ${int(extra.ops)} | ${us(extra.ops)} | | |`)
  out()
  return { lines, summary: extraSummary(inProcess) }
}

function extraSummary(inProcess) {
  const summary = []
  const extra = Object.fromEntries((inProcess.extra ?? []).map((e) => [e.key, e.ops]))
  if (extra.basicHot !== undefined) {
    const r = extra.basicHot / extra.bearerHotWithBasic
    summary.push(
      `Basic till hot path: ${int(extra.basicHot)} ops/s, ${ratio(r)} of the bearer hot path on the same authenticator (${verdict(r, HOT_TARGET)})`,
    )
  } else {
    summary.push('Basic till hot path: not measured (this core has no `memoryTillStore`)')
  }
  if (extra.getTokenCached !== undefined) {
    const met =
      extra.getTokenCached >= 1e6 ? 'meets >= 1,000,000 ops/s' : '**misses** 1,000,000 ops/s'
    summary.push(`outbound \`getToken()\` from cache: ${int(extra.getTokenCached)} ops/s (${met})`)
  } else {
    summary.push('outbound `getToken()`: not measured (this core has no `createTokenClient`)')
  }
  return summary
}

/** `{ lines, summary }` of the heap and allocation tables. */
export function renderMemory(run) {
  const { memory } = run
  const lines = []
  const out = (line = '') => lines.push(line)
  const last = memory.samples.at(-1)
  out(`## Memory: ${int(last.tokens)} distinct tokens through \`authenticate()\` (default cache)`)
  out()
  out(provenance(run))
  out()
  out(
    `ES256 tokens of ${memory.tokenLength} characters, each used once; heap measured after a forced GC, relative to a warmed-up authenticator (${memory.baselineMiB.toFixed(1)} MiB).`,
  )
  out()
  out('| Tokens seen | Heap growth |')
  out('|---:|---:|')
  for (const s of memory.samples) out(`| ${int(s.tokens)} | ${s.heapGrowthMiB.toFixed(1)} MiB |`)
  out()
  out(
    'The verified-token cache is bounded by entries (default 10,000) and by accounted bytes (default 32 MiB, counted as 3 × the token length per entry); ' +
      'about the least recently used entries go first, so the heap stops growing once the cache is full; ' +
      'and while nearly everything it evicts was never read (one-shot tokens, as here), it stores a token only on its second sighting.',
  )
  out()
  if (memory.allocation !== undefined) allocation(memory.allocation, out)
  return { lines, summary: [] }
}

function allocation(measured, out) {
  const bytes = (n) =>
    n < 0 ? 'n/a (a scavenge ran)' : `${Math.round(n).toLocaleString('en-US')} bytes`
  out('## Allocation per request')
  out()
  out(
    'Young-generation growth per `authenticateNow()` call (ES256, one request object reused: the server allocates that, not us), averaged over a batch with no garbage collection in between.',
  )
  out()
  out('| Call | Allocated |')
  out('|---|---:|')
  out(`| hot: a token seen before | ${bytes(measured.hot)} |`)
  out(`| cold: a fresh token, verified (cache off) | ${bytes(measured.cold)} |`)
  out()
}
