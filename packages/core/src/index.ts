export { assertAuthenticator, createAuthenticator } from './authenticator.js'
export type { Authenticator, AuthenticatorOptions, AuthenticateOptions } from './authenticator.js'
export type { BearerIssuerOptions } from './bearer/options.js'
export type { DpopOptions } from './sender/dpop-options.js'
export type { MtlsOptions } from './sender/mtls-options.js'
export type { DPoPOption } from './outbound/dpop-key.js'
export type { TokenClientMtlsOptions } from './outbound/mtls-options.js'
export type { Logger } from './telemetry/log.js'
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
  InvalidDpopProofError,
  UseDpopNonceError,
  isAuthError,
} from './errors.js'
export type { AuthErrorCode, OAuthErrorCode, ErrorBody } from './errors.js'
export type { Principal } from './principal.js'
export { createScopeCheck, parseScopeClaim } from './scope.js'
export type { ScopeMode } from './scope.js'
export type { AuthRequest } from './request.js'
export { renderChallenge, renderChallenges } from './challenge.js'
export type { Challenge, ChallengeConfig } from './challenge.js'
export { memoryTillStore } from './basic/till-store.js'
export type { TillRecord, TillStore } from './basic/till-store.js'
export { fileTillStore, readTillStoreFile } from './basic/file-till-store.js'
export type { FileTillStore, FileTillStoreOptions } from './basic/file-till-store.js'
export { hashTillSecret, inspectTillSecret } from './basic/secret.js'
export type { HashTillSecretOptions, TillSecretInfo } from './basic/secret.js'
export type { ScryptCost } from './basic/scrypt-params.js'
export { DEFAULT_LOCKOUT } from './basic/lockout.js'
export type { LockoutPolicy } from './basic/lockout.js'
export { memoryStore } from './store/memory-store.js'
export type { MemoryStoreOptions } from './store/memory-store.js'
export type { Store } from './store/types.js'
export type { StoreFallbackEvent } from './store/resilient-store.js'
export type { BasicOptions, BasicMode, LegacyAuthEvent } from './basic/options.js'
export type { AttributionOptions } from './basic/attribution.js'
export type { HeaderSink } from './basic/verifier.js'
export { parseBasicCredentials } from './basic/parse.js'
export type { BasicCredentials } from './basic/parse.js'
export { createTokenClient } from './outbound/token-client.js'
export type { TokenClient } from './outbound/token-client.js'
export type {
  TokenClientOptions,
  ClientPrivateKey,
  RetryOptions,
  RefreshAheadOptions,
} from './outbound/options.js'
export type { TokenRequestOptions } from './outbound/request-params.js'
export type { AccessToken } from './outbound/token-slot.js'
export { TokenRequestError, isTokenRequestError } from './outbound/errors.js'
export type { TokenErrorCode } from './outbound/errors.js'
export { logHooks } from './outbound/hooks.js'
export type {
  TokenClientHooks,
  TokenSubject,
  TokenFetchedEvent,
  CacheHitEvent,
  RetryEvent,
  TokenFailureEvent,
} from './outbound/hooks.js'
export { PRESETS as TOKEN_PRESETS } from './outbound/presets.js'
export type {
  PresetName as TokenPresetName,
  AuthMethod,
  AudienceParameter,
  IssuerPreset as TokenIssuerPreset,
} from './outbound/presets.js'
