import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CODE = /ERR_[A-Z_]+/g

/** Every ERR_ code written anywhere in core's source: ours, and the libraries' we map. */
function codesInSource(dir = join(ROOT, 'packages/core/src')): Set<string> {
  const codes = new Set<string>()
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) codesInSource(path).forEach((c) => codes.add(c))
    else if (entry.name.endsWith('.ts'))
      for (const [code] of readFileSync(path, 'utf8').matchAll(CODE)) codes.add(code)
  }
  return codes
}

const page = readFileSync(join(ROOT, 'docs/troubleshooting.md'), 'utf8')

/** Codes that have a section: a `###` heading naming them. */
const sections = new Set(
  [...page.matchAll(/^### .*$/gm)].flatMap(([heading]) => heading.match(CODE) ?? []),
)

/** The text of one code's section, up to the next heading. */
const sectionOf = (code: string): string =>
  page.split(/^#{2,3} /m).find((s) => s.startsWith(`\`${code}\``)) ?? ''

describe('docs/troubleshooting.md', () => {
  const codes = codesInSource()

  it('has a section for every ERR_ code in packages/core/src', () => {
    expect(codes.size).toBeGreaterThan(25) // the extraction itself works
    expect([...codes].filter((code) => !sections.has(code)).sort()).toEqual([])
  })

  it('has no section for a code the source no longer has', () => {
    expect([...sections].filter((code) => !codes.has(code)).sort()).toEqual([])
  })

  it('gives every AuthError code its HTTP status', () => {
    const union = readFileSync(join(ROOT, 'packages/core/src/errors.ts'), 'utf8')
    const authCodes = union.slice(union.indexOf('type AuthErrorCode')).split('\n\n')[0]!
    for (const [code] of authCodes.matchAll(CODE))
      expect(sectionOf(code), code).toMatch(/\*\*(400|401|403|503)\b/)
  })

  it('uses only flags that m2m-auth doctor and m2m-auth token have', () => {
    const commands = ['doctor', 'token'] as const
    const source = Object.fromEntries(
      commands.map((c) => [
        c,
        readFileSync(join(ROOT, `packages/cli/src/commands/${c}.ts`), 'utf8'),
      ]),
    )
    const unknown: string[] = []
    for (const command of commands)
      for (const [line] of page.matchAll(new RegExp(`m2m-auth ${command}\\b[^\`\\n]*`, 'g')))
        for (const [flag] of line.matchAll(/--[a-z][a-z-]*/g))
          if (
            !source[command]!.includes(`'${flag.slice(2)}'`) &&
            !source[command]!.includes(`${flag.slice(2)}:`)
          )
            unknown.push(`${command} ${flag}`)
    expect(unknown).toEqual([])
  })
})
