import type { FetchLike } from '../http/fetch-json.js'
import {
  ASYMMETRIC_ALGORITHMS,
  isAsymmetric,
  isHmac,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
} from './algorithms.js'
import {
  normalizeIntrospection,
  type IntrospectionConfig,
  type IntrospectionOptions,
} from './introspection-options.js'
import { ID_TOKEN_MARKERS } from './presets/access-token.js'
import { issuerForms, requiredClaims } from './presets/apply.js'
import { generic } from './presets/generic.js'
import { findPreset, type IssuerPreset, type PresetName } from './presets/index.js'
import type { AccessTokenShape } from './presets/types.js'
import { normalizeDpop, type DpopConfig, type DpopOptions } from '../sender/dpop-options.js'
import { normalizeMtls, type MtlsConfig, type MtlsOptions } from '../sender/mtls-options.js'

/** One trusted issuer. */
export interface BearerIssuerOptions {
  /** Must equal the tokens' `iss` claim exactly. */
  issuer: string
  /**
   * The `aud` values this service accepts; a token needs one of them. With a preset that
   * checks another claim (Cognito `client_id`, Keycloak `azp`), list the accepted values of that.
   */
  audience: string | readonly string[]
  /** The issuer's token shape: `auth0`, `okta`, `entra`, `cognito`, `keycloak`, `hydra`, ... */
  preset?: PresetName
  /** Claim(s) compared with `audience`; default `aud`, or the preset's. */
  audienceClaim?: string | readonly string[]
  /** Claims that must carry exactly this value, on top of the preset's. */
  requiredClaims?: Readonly<Record<string, string | number | boolean>>
  /** Check tokens that are not JWTs (opaque tokens) by RFC 7662 introspection. */
  introspection?: IntrospectionOptions
  /** Skip discovery and fetch keys from here. */
  jwksUri?: string
  /** Allowed `alg` values; asymmetric by default. HS* needs `secret`; `none` is never allowed. */
  algorithms?: readonly JwsAlgorithm[]
  /** Shared secret for HS* tokens. At least 32 bytes. */
  secret?: string | Uint8Array
  /** Seconds of clock skew tolerated on `exp` and `nbf`. Default 5. */
  clockTolerance?: number
  /** Require RFC 9068 `typ: at+jwt`. Default false (`at+jwt`, `JWT` or none are accepted). */
  requireAccessTokenType?: boolean
  /**
   * Claim(s) holding scopes, in order of preference; the first present is read. Default
   * `['scope', 'scp']`, or the preset's (`auth0` adds `permissions`, `entra` reads `roles`).
   */
  scopeClaim?: string | readonly string[]
  /** Claims naming the till a token acts as. Default `{ id: 'till_id', store: 'store_id' }`. */
  tillClaims?: { id?: string; store?: string }
  /** Minimum wait between JWKS refetches caused by an unknown `kid`. Default 30 s. */
  jwksCooldownMs?: number
  /** Age after which the JWKS is refreshed in the background. Default 10 min. */
  jwksMaxAgeMs?: number
  /** How long a failed discovery or JWKS fetch is remembered with nothing cached. Default 2 s. */
  failureBackoffMs?: number
  /** Timeout of each request to the issuer. Default 5 s. */
  timeoutMs?: number
  /** Permit an `http:` issuer that is not on loopback. Default false. */
  allowInsecureRequests?: boolean
  /** The fetch used for discovery and JWKS; defaults to the global fetch. */
  fetch?: FetchLike
  /** Accept DPoP-bound tokens (RFC 9449) from this issuer, checking their proofs. */
  dpop?: DpopOptions
  /** Accept certificate-bound tokens (RFC 8705 §3) from this issuer, checking the certificate. */
  mtls?: MtlsOptions
}

/** The validated, frozen form used at request time. */
export interface IssuerConfig {
  readonly issuer: string
  /** Every `iss` value accepted for this issuer (Entra's v1 and v2 forms); `issuer` first. */
  readonly issuers: readonly string[]
  readonly preset: PresetName | undefined
  readonly audienceClaims: readonly string[]
  readonly requiredClaims: ReadonlyArray<readonly [string, string | number | boolean]>
  /** What tells the issuer's JWT access tokens from its ID tokens (the preset's, or the default). */
  readonly accessToken: AccessTokenShape
  /** A header the preset's tokens travel in instead of Authorization (lower case). */
  readonly tokenHeader: string | undefined
  readonly introspection: IntrospectionConfig | undefined
  readonly audiences: ReadonlySet<string>
  readonly jwksUri: string | undefined
  readonly algorithms: ReadonlySet<JwsAlgorithm>
  readonly secret: Uint8Array | undefined
  readonly clockTolerance: number
  readonly requireAccessTokenType: boolean
  readonly scopeClaims: readonly string[]
  readonly tillClaims: { readonly id: string; readonly store: string }
  readonly jwksCooldownMs: number
  readonly jwksMaxAgeMs: number
  readonly failureBackoffMs: number
  readonly timeoutMs: number
  readonly allowInsecureRequests: boolean
  readonly fetch: FetchLike
  /** Absent: tokens bound with `cnf.jkt` are refused. */
  readonly dpop: DpopConfig | undefined
  /** Absent: tokens bound with `cnf["x5t#S256"]` are refused. */
  readonly mtls: MtlsConfig | undefined
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export function normalizeIssuer(options: BearerIssuerOptions, at: string): IssuerConfig {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`"${at}" must be an object`)
  const preset = findPreset(options.preset, `${at}.preset`)
  const issuer = nonEmptyString(options.issuer, `${at}.issuer`)
  const allowInsecureRequests = options.allowInsecureRequests === true
  const url = (value: string, name: string): void => checkUrl(value, name, allowInsecureRequests)
  if (preset?.issuerIsName === true) {
    if (options.jwksUri === undefined) {
      throw new TypeError(`"${at}.jwksUri" is required: preset ${preset.name} has no discovery`)
    }
  } else {
    url(issuer, `${at}.issuer`)
  }
  if (options.jwksUri !== undefined) url(options.jwksUri, `${at}.jwksUri`)
  const secret = normalizeSecret(options.secret, `${at}.secret`)
  return Object.freeze({
    issuer,
    ...presetFields(options, preset, at, url),
    audiences: new Set(audiences(options.audience, `${at}.audience`)),
    jwksUri: options.jwksUri,
    algorithms: algorithms(options.algorithms, secret, `${at}.algorithms`),
    secret,
    clockTolerance: nonNegative(options.clockTolerance ?? 5, `${at}.clockTolerance`),
    requireAccessTokenType: options.requireAccessTokenType === true,
    tillClaims: Object.freeze({
      id: options.tillClaims?.id ?? 'till_id',
      store: options.tillClaims?.store ?? 'store_id',
    }),
    jwksCooldownMs: nonNegative(options.jwksCooldownMs ?? 30_000, `${at}.jwksCooldownMs`),
    jwksMaxAgeMs: nonNegative(options.jwksMaxAgeMs ?? 600_000, `${at}.jwksMaxAgeMs`),
    failureBackoffMs: nonNegative(options.failureBackoffMs ?? 2_000, `${at}.failureBackoffMs`),
    timeoutMs: positive(options.timeoutMs ?? 5_000, `${at}.timeoutMs`),
    allowInsecureRequests,
    fetch: options.fetch ?? globalFetch,
    dpop: normalizeDpop(options.dpop, `${at}.dpop`),
    mtls: normalizeMtls(options.mtls, `${at}.mtls`),
  })
}

/** The fields a preset shapes, each overridable by the matching option. */
function presetFields(
  options: BearerIssuerOptions,
  preset: IssuerPreset | undefined,
  at: string,
  url: (value: string, name: string) => void,
) {
  const introspection = normalizeIntrospection(
    options.introspection,
    `${at}.introspection`,
    url,
    preset,
  )
  if (preset?.opaqueByDefault === true && introspection === undefined) {
    throw new TypeError(
      `"${at}.introspection" is required: ${preset.name} issues opaque access tokens by default`,
    )
  }
  return {
    issuers: Object.freeze(issuerForms(options.issuer, preset, `${at}.issuer`)),
    preset: preset?.name,
    audienceClaims: claimNames(
      options.audienceClaim,
      preset?.audienceClaims ?? ['aud'],
      `${at}.audienceClaim`,
    ),
    requiredClaims: requiredClaims(preset, options.requiredClaims, `${at}.requiredClaims`),
    accessToken: preset?.accessToken ?? ID_TOKEN_MARKERS,
    tokenHeader: preset?.tokenHeader,
    introspection,
    scopeClaims: claimNames(
      options.scopeClaim,
      preset?.scopeClaims ?? generic.scopeClaims,
      `${at}.scopeClaim`,
    ),
  }
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`"${name}" must be a non-empty string`)
  }
  return value
}

function checkUrl(value: string, name: string, allowInsecure: boolean): void {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`"${name}" must be an absolute URL, got ${JSON.stringify(value)}`)
  }
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:' && (allowInsecure || LOOPBACK.has(url.hostname))) return
  throw new TypeError(`"${name}" must be an https URL (http is allowed on loopback only)`)
}

function audiences(value: unknown, name: string): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`"${name}" must be a non-empty string or array of strings`)
  }
  return list.map((a, i) => nonEmptyString(a, `${name}[${i}]`))
}

function algorithms(
  value: readonly string[] | undefined,
  secret: Uint8Array | undefined,
  name: string,
): ReadonlySet<JwsAlgorithm> {
  if (value === undefined) return new Set<AsymmetricAlgorithm>(ASYMMETRIC_ALGORITHMS)
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`"${name}" must be a non-empty array`)
  }
  for (const alg of value as readonly unknown[]) {
    if (typeof alg !== 'string') throw new TypeError(`"${name}" must list algorithm names`)
    if (isHmac(alg)) {
      if (secret === undefined) throw new TypeError(`"${name}" lists ${alg}, which needs "secret"`)
    } else if (!isAsymmetric(alg)) {
      throw new TypeError(`"${name}" has unsupported algorithm ${JSON.stringify(alg)}`)
    }
  }
  return new Set(value as JwsAlgorithm[])
}

function normalizeSecret(value: unknown, name: string): Uint8Array | undefined {
  if (value === undefined) return undefined
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  // RFC 7518 §3.2: a key of at least the hash size; we ask for 256 bits.
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) {
    throw new TypeError(`"${name}" must be at least 32 bytes`)
  }
  return new Uint8Array(bytes)
}

function claimNames(value: unknown, fallback: readonly string[], name: string): readonly string[] {
  if (value === undefined) return Object.freeze([...fallback])
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`"${name}" must be a claim name or a non-empty array of them`)
  }
  return Object.freeze(list.map((c, i) => nonEmptyString(c, `${name}[${i}]`)))
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value >= 0))
    throw new TypeError(`"${name}" must be a number >= 0`)
  return value
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0))
    throw new TypeError(`"${name}" must be a number > 0`)
  return value
}

// Looked up per call, so test tools that patch globalThis.fetch later still apply.
const globalFetch: FetchLike = (input, init) => fetch(input, init)
