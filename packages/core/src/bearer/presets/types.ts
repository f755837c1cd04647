/** The names accepted by `preset: '<name>'` on a bearer issuer. */
export type PresetName =
  | 'auth0'
  | 'okta'
  | 'entra'
  | 'cognito'
  | 'keycloak'
  | 'hydra'
  | 'supertokens'
  | 'loginradius'
  | 'capillary'
  | 'generic'

/**
 * What one issuer does differently from RFC 9068. Plain data, read once when the issuer
 * config is normalised; the request path only sees the resulting IssuerConfig fields.
 */
export interface IssuerPreset {
  readonly name: PresetName
  /** Claims holding scopes, in order of preference; the first one present is used. */
  readonly scopeClaims: readonly string[]
  /** Claims compared with the configured `audience`; a token passes if any one matches. */
  readonly audienceClaims: readonly string[]
  /** Claims that must have exactly this value (`token_use: 'access'`, `stt: 1`). */
  readonly requiredClaims: Readonly<Record<string, string | number | boolean>>
  /** Header carrying the token instead of `Authorization: Bearer`. */
  readonly tokenHeader?: string
  /** The issuer hands out opaque tokens unless told otherwise, so introspection is required. */
  readonly opaqueByDefault?: boolean
  /** Default of `introspection.requireAudience` for this issuer (true when unset). */
  readonly introspectionRequiresAudience?: boolean
  /** The `iss` value is not a URL (so there is no discovery and `jwksUri` is required). */
  readonly issuerIsName?: boolean
  /** How this issuer's access tokens differ from its ID tokens; `at_hash`/`c_hash` refused by default. */
  readonly accessToken?: AccessTokenShape
  /** Every `iss` form the same tenant's tokens may carry, given the configured one. */
  readonly issuerForms?: (issuer: string) => readonly string[]
}

/**
 * What tells an issuer's JWT access tokens from its ID tokens (OpenID Connect Core §2) when
 * `aud` alone cannot: an API whose client id is also an accepted audience, or a preset that
 * accepts `azp`. Checked on JWTs only; introspection says `token_type` itself.
 */
export interface AccessTokenShape {
  /** Claims only ID tokens carry: a token with any of them is refused. */
  readonly idTokenClaims: readonly string[]
  /** When not empty, every access token carries at least one of these claims. */
  readonly oneOf: readonly string[]
}
