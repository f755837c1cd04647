import type { IssuerPreset } from './types.js'

/** The `iss` values accepted for one configured issuer: itself, plus the preset's other forms. */
export function issuerForms(
  issuer: string,
  preset: IssuerPreset | undefined,
  name: string,
): string[] {
  if (preset?.issuerForms === undefined) return [issuer]
  let forms: readonly string[]
  try {
    forms = preset.issuerForms(issuer)
  } catch (error) {
    throw new TypeError(`"${name}" ${(error as Error).message} for preset ${preset.name}`)
  }
  return [issuer, ...forms.filter((f) => f !== issuer)]
}

/** The preset's required claims merged with the user's, validated once. */
export function requiredClaims(
  preset: IssuerPreset | undefined,
  extra: unknown,
  name: string,
): ReadonlyArray<readonly [string, string | number | boolean]> {
  if (extra !== undefined && (typeof extra !== 'object' || extra === null || Array.isArray(extra)))
    throw new TypeError(`"${name}" must be an object of claim names to values`)
  const merged = { ...preset?.requiredClaims, ...extra }
  return Object.freeze(
    Object.entries(merged).map(([claim, value]: [string, unknown]) => {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new TypeError(`"${name}.${claim}" must be a string, number or boolean`)
      }
      return Object.freeze([claim, value as string | number | boolean] as const)
    }),
  )
}
