import { auth0 } from './auth0.js'
import { capillary } from './capillary.js'
import { cognito } from './cognito.js'
import { entra } from './entra.js'
import { generic } from './generic.js'
import { hydra } from './hydra.js'
import { keycloak } from './keycloak.js'
import { loginradius } from './loginradius.js'
import { okta } from './okta.js'
import { supertokens } from './supertokens.js'
import type { IssuerPreset, PresetName } from './types.js'

export type { IssuerPreset, PresetName } from './types.js'

// The same names as the token client's presets (outbound/presets.ts): one list of issuers.
// `generic` is what an issuer without a preset gets; it comes last, as in the docs' table.
export const PRESETS: Readonly<Record<PresetName, IssuerPreset>> = Object.freeze({
  auth0,
  okta,
  entra,
  cognito,
  keycloak,
  hydra,
  supertokens,
  loginradius,
  capillary,
  generic,
})

/** The preset named by an issuer's options, or a TypeError naming the option. */
export function findPreset(name: unknown, at: string): IssuerPreset | undefined {
  if (name === undefined) return undefined
  if (typeof name === 'string' && Object.hasOwn(PRESETS, name)) return PRESETS[name as PresetName]
  throw new TypeError(
    `"${at}" must be one of ${Object.keys(PRESETS).join(', ')}; got ${JSON.stringify(name)}`,
  )
}
