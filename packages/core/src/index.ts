export { createAuthenticator } from './authenticator.js'
export type { Authenticator, AuthenticatorOptions, AuthenticateOptions } from './authenticator.js'
export type { BearerIssuerOptions } from './bearer/options.js'
export type { IntrospectionOptions } from './bearer/introspection-options.js'
export { PRESETS } from './bearer/presets/index.js'
export type { IssuerPreset, PresetName } from './bearer/presets/index.js'
export { authenticatorOptionsFromEnv } from './config/env.js'
export { authenticatorOptionsFromFile } from './config/file.js'
export { diagnoseIssuer } from './doctor/diagnose.js'
export type { Diagnosis, DiagnosisLine } from './doctor/types.js'
export { createResourceMetadata } from './resource-metadata.js'
export type { ResourceMetadata, ResourceMetadataOptions } from './resource-metadata.js'
export type { VerifiedTokenCacheOptions } from './bearer/verifier.js'
export type { JwsAlgorithm } from './bearer/algorithms.js'
export type { FetchLike } from './http/fetch-json.js'
export {
  AuthError,
  InvalidRequestError,
  MissingCredentialsError,
  InvalidTokenError,
  InsufficientScopeError,
  IssuerUnavailableError,
  isAuthError,
} from './errors.js'
export type { AuthErrorCode, OAuthErrorCode, ErrorBody } from './errors.js'
export type { Principal } from './principal.js'
export { createScopeCheck, parseScopeClaim } from './scope.js'
export type { ScopeMode } from './scope.js'
export type { AuthRequest } from './request.js'
export { renderChallenge, renderChallenges } from './challenge.js'
export type { Challenge, ChallengeConfig } from './challenge.js'
