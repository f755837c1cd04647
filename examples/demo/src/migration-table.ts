import { total, type Sample } from './prometheus-text.js'

// The Prometheus names the exporter gives m2m-auth's instruments (docs/observability.md).
const AUTHENTICATIONS = 'm2m_auth_authentications_total'
const LEGACY_BASIC = 'm2m_auth_legacy_basic_uses_total'
const STORE = 'm2m_auth_till_store'
const SCHEME = 'm2m_auth_scheme'
const OUTCOME = 'm2m_auth_outcome'

/**
 * "Who still uses Basic?", answered from a scrape of the demo's own /metrics: successful Basic
 * logins per till store next to OAuth use. Bearer and DPoP authentications carry no store
 * attribute, so OAuth is one total for the whole process; the header says so rather than
 * spreading it over stores. `stores` are the fleet's stores, shown even with no Basic use.
 */
export function migrationTable(
  samples: readonly Sample[],
  stores: readonly string[],
  source: string,
): string[] {
  const header = [
    `Basic vs OAuth per store (from a scrape of ${source})`,
    `  Basic = ${LEGACY_BASIC} by ${STORE}: successful till logins on Basic.`,
    `  OAuth = ${AUTHENTICATIONS}, scheme bearer or dpop, outcome allowed. It has no store`,
    '  label, so it is one total for every service in this process, not split by store.',
  ]
  if (!samples.some((s) => s.name.startsWith('m2m_auth_'))) {
    return [...header, '  (no m2m_auth_* series in the scrape: @m2m-auth/core recorded nothing)']
  }
  const scraped = samples.filter((s) => s.name === LEGACY_BASIC).map((s) => s.labels[STORE] ?? '')
  const rows = [...new Set([...stores, ...scraped])].sort().map((store) => ({
    store: store === '' ? '(none)' : store,
    basic: total(samples, LEGACY_BASIC, { [STORE]: store }),
    oauth: 'n/a',
  }))
  const oauth = ['bearer', 'dpop']
    .map((scheme) => total(samples, AUTHENTICATIONS, { [SCHEME]: scheme, [OUTCOME]: 'allowed' }))
    .reduce((a, b) => a + b, 0)
  rows.push({ store: 'all', basic: total(samples, LEGACY_BASIC), oauth: String(oauth) })
  return [...header, ...grid(rows), basicRefusals(samples)]
}

function grid(rows: readonly { store: string; basic: number; oauth: string }[]): string[] {
  const width = Math.max(5, ...rows.map((r) => r.store.length))
  const line = (store: string, basic: string, oauth: string): string =>
    `    ${store.padEnd(width)}  ${basic.padStart(10)}  ${oauth}`
  return [
    line('store', 'Basic uses', 'OAuth'),
    ...rows.map((r) => line(r.store, String(r.basic), r.oauth)),
  ]
}

/** Refused Basic attempts by reason: a migrated till still trying Basic shows up here. */
function basicRefusals(samples: readonly Sample[]): string {
  const refused = samples.filter(
    (s) =>
      s.name === AUTHENTICATIONS && s.labels[SCHEME] === 'basic' && s.labels[OUTCOME] === 'refused',
  )
  const byReason = new Map<string, number>()
  for (const s of refused) {
    const reason = s.labels.error_type ?? 'unknown'
    byReason.set(reason, (byReason.get(reason) ?? 0) + s.value)
  }
  const sum = [...byReason.values()].reduce((a, b) => a + b, 0)
  const reasons = [...byReason].map(([reason, n]) => `${reason} ${n}`).join(', ')
  return `  Basic refused: ${sum}${reasons === '' ? '' : ` (${reasons})`}`
}
