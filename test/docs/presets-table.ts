import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PRESETS, type IssuerPreset, type PresetName } from '@m2m-auth/core'

/**
 * The README's presets table, rendered from the presets' own data so the docs cannot drift
 * from the code: `pnpm docs:generate` writes it (scripts/generate-docs.mjs), and
 * test/docs/presets-table.test.ts fails while a committed copy differs.
 */

/** Files carrying the generated region; README.md's section is a copy of the readme-section. */
export const GENERATED_FILES = ['README.md', 'docs/readme-sections/issuers.md'] as const

export const START = '<!-- presets:start -->'
export const END = '<!-- presets:end -->'

/** Who each preset is for and its page. A new preset without an entry does not type-check. */
export const PAGES: Readonly<Record<PresetName, { issuer: string; page: string }>> = {
  auth0: { issuer: 'Auth0', page: 'docs/issuers/auth0.md' },
  okta: { issuer: 'Okta', page: 'docs/issuers/okta.md' },
  entra: { issuer: 'Microsoft Entra ID', page: 'docs/issuers/entra.md' },
  cognito: { issuer: 'Amazon Cognito', page: 'docs/issuers/cognito.md' },
  keycloak: { issuer: 'Keycloak', page: 'docs/issuers/keycloak.md' },
  hydra: { issuer: 'Ory Hydra', page: 'docs/issuers/hydra.md' },
  supertokens: { issuer: 'SuperTokens', page: 'docs/issuers/supertokens.md' },
  loginradius: { issuer: 'LoginRadius', page: 'docs/issuers/loginradius.md' },
  capillary: { issuer: 'Capillary', page: 'docs/issuers/capillary.md' },
  generic: { issuer: 'any OIDC / RFC 8414 issuer', page: 'docs/issuers/generic.md' },
}

const code = (s: string | number | boolean): string => `\`${String(s)}\``
const list = (items: readonly string[], last: string): string =>
  items.length < 2
    ? items.map(code).join('')
    : `${items.slice(0, -1).map(code).join(', ')} ${last} ${code(items.at(-1)!)}`

/** What marks a token of this issuer as an ID token, which every preset refuses. */
function idTokenCell(preset: IssuerPreset): string {
  const shape = preset.accessToken ?? PRESETS.generic.accessToken!
  const has = `has ${list(shape.idTokenClaims, 'or')}`
  const [only, ...more] = shape.oneOf
  if (only === undefined) return has
  // An access token carries at least one of `oneOf`; an ID token none of them.
  const lacks =
    more.length === 0
      ? `no ${code(only)}`
      : more.length === 1
        ? `neither ${code(only)} nor ${code(more[0]!)}`
        : `none of ${list(shape.oneOf, 'or')}`
  return `${has}; has ${lacks}`
}

function otherChecks(preset: IssuerPreset): string {
  const checks = Object.entries(preset.requiredClaims).map(
    ([claim, value]) => `${code(claim)} must be ${code(value)}`,
  )
  if (preset.issuerForms) checks.push('the tenant’s other `iss` forms accepted too')
  if (preset.issuerIsName) checks.push('`iss` is a name, not a URL: `jwksUri` required')
  if (preset.opaqueByDefault) checks.push('opaque tokens by default: `introspection` required')
  if (preset.introspectionRequiresAudience === false)
    checks.push('introspection results may lack `aud`')
  if (preset.tokenHeader)
    checks.push(`token also read from ${code(preset.tokenHeader.toUpperCase())}`)
  return checks.length === 0 ? '—' : checks.join('; ')
}

function row(name: PresetName, preset: IssuerPreset): string {
  const { issuer, page } = PAGES[name]
  return `| ${[
    issuer,
    code(name),
    preset.scopeClaims.map(code).join(', '),
    list(preset.audienceClaims, 'or'),
    idTokenCell(preset),
    otherChecks(preset),
    `[${page}](${page})`,
  ].join(' | ')} |`
}

/** Claims a preset reads for scopes beyond the generic ones, with the presets that read them. */
function addedClaims(): string {
  const generic = PRESETS.generic.scopeClaims
  const byClaim = new Map<string, string[]>()
  for (const [name, preset] of Object.entries(PRESETS)) {
    for (const claim of preset.scopeClaims.filter((c) => !generic.includes(c)))
      byClaim.set(claim, [...(byClaim.get(claim) ?? []), name])
  }
  return [...byClaim]
    .map(([claim, names]) => `${code(claim)} (${names.map(code).join(', ')})`)
    .join(', ')
}

/** The generated region, markers included. */
export function renderPresetsRegion(): string {
  const rows = (Object.entries(PRESETS) as Array<[PresetName, IssuerPreset]>).map(([n, p]) =>
    row(n, p),
  )
  return [
    START,
    '<!-- generated from packages/core/src/bearer/presets by `pnpm docs:generate`: edit the presets, not this table -->',
    '',
    '| issuer | `preset` | scopes from (first present) | audience from | refused as an ID token | other checks | page |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'A token’s scopes come from the first of its preset’s scope claims that it carries (a',
    'space-delimited string or an array of strings) into `principal.scopes`, and',
    '`principal.scopeClaim` names that claim. Without a preset, or with `generic`, that is',
    `${list(PRESETS.generic.scopeClaims, 'then')} only. Other claims are read only where a preset says its`,
    `issuer puts granted scopes there — ${addedClaims()} — or where`,
    'you name them in `scopeClaim`: elsewhere a claim such as `roles` or `permissions` describes',
    'the subject, and reading it would let a token minted for another purpose pass a scope check.',
    END,
  ].join('\n')
}

/** `text` with its generated region replaced by `region`; an error if the markers are missing. */
export function replaceRegion(text: string, region: string, file: string): string {
  const start = text.indexOf(START)
  const end = text.indexOf(END, start)
  if (start < 0 || end < 0) throw new Error(`${file} has no ${START} … ${END} region`)
  return text.slice(0, start) + region + text.slice(end + END.length)
}

/** Each generated file as committed and as it should be. */
export async function generatedDocs(
  root: string,
): Promise<Array<{ file: string; committed: string; generated: string }>> {
  const region = renderPresetsRegion()
  return Promise.all(
    GENERATED_FILES.map(async (file) => {
      const committed = await readFile(join(root, file), 'utf8')
      return { file, committed, generated: replaceRegion(committed, region, file) }
    }),
  )
}
