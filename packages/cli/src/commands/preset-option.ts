import { PRESETS, TOKEN_PRESETS, type PresetName, type TokenPresetName } from '@m2m-auth/core'
import { UsageError } from '../io.js'

/**
 * One `--preset` for every command: `token` (the token client's presets) and `doctor` (the
 * bearer issuer's) take the same names, each naming the same issuer on both sides
 * (packages/cli/test/presets.test.ts holds core to that).
 */
export type CliPresetName = PresetName & TokenPresetName

/** Every accepted name, in the order the docs list the issuers (`generic` last). */
export const PRESET_NAMES: readonly CliPresetName[] = Object.freeze(
  (Object.keys(PRESETS) as PresetName[]).filter((name): name is CliPresetName =>
    Object.hasOwn(TOKEN_PRESETS, name),
  ),
)

/** The names for a usage text, wrapped to lines of `width` indented by `indent` spaces. */
export function presetHelp(indent: number, width = 48): string {
  const lines: string[] = []
  for (const name of PRESET_NAMES.map((n, i) => (i < PRESET_NAMES.length - 1 ? `${n},` : n))) {
    const last = lines.at(-1)
    if (last !== undefined && last.length + 1 + name.length <= width)
      lines.splice(-1, 1, `${last} ${name}`)
    else lines.push(name)
  }
  return lines.join(`\n${' '.repeat(indent)}`)
}

/** The validated `--preset` value; a usage error naming `--preset` and every valid name. */
export function presetOption(value: string | undefined): CliPresetName | undefined {
  if (value === undefined) return undefined
  if ((PRESET_NAMES as readonly string[]).includes(value)) return value as CliPresetName
  throw new UsageError(
    `--preset must be one of ${PRESET_NAMES.join(', ')}; got ${JSON.stringify(value)}`,
  )
}
