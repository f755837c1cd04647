import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PRESETS, type PresetName } from '@m2m-auth/core'
import { END, generatedDocs, PAGES, renderPresetsRegion, START } from './presets-table.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

// Every claim name that carries scopes for some issuer, or that a generic issuer must not read.
const SCOPE_CLAIM_NAMES = new Set([
  ...Object.values(PRESETS).flatMap((p) => p.scopeClaims),
  'scopes',
  'permissions',
  'roles',
])

/** The backticked scope claim names of a page's `| scopes | … |` row, in order of first mention. */
function scopeClaimsNamed(page: string): string[] {
  const row = page.split('\n').find((line) => line.startsWith('| scopes |'))
  if (row === undefined) throw new Error('the page has no "| scopes |" row')
  const named = [...row.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
  return [...new Set(named.filter((name) => SCOPE_CLAIM_NAMES.has(name)))]
}

describe('generated docs', () => {
  it('has the presets table in README.md and docs/readme-sections/issuers.md as the code renders it (run pnpm docs:generate)', async () => {
    for (const { file, committed, generated } of await generatedDocs(root)) {
      expect(committed, `${file} differs from pnpm docs:generate's output`).toBe(generated)
    }
  })

  it('renders one row per preset, each with its scope claims', () => {
    const region = renderPresetsRegion()
    expect(region.startsWith(START) && region.endsWith(END)).toBe(true)
    for (const [name, preset] of Object.entries(PRESETS)) {
      const row = region.split('\n').find((l) => l.includes(` | \`${name}\` | `))
      expect(row, name).toContain(` | ${preset.scopeClaims.map((c) => `\`${c}\``).join(', ')} | `)
    }
  })

  it("names each preset's scope claims, in order and no others, on its docs/issuers page", async () => {
    for (const name of Object.keys(PRESETS) as PresetName[]) {
      const page = await readFile(`${root}/${PAGES[name].page}`, 'utf8')
      expect(scopeClaimsNamed(page), PAGES[name].page).toEqual(PRESETS[name].scopeClaims)
    }
  })
})
