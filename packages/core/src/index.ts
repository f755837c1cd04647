export { createAuthenticator } from './authenticator.js'
export type { Authenticator, AuthenticatorOptions, AuthenticateOptions } from './authenticator.js'
export type { BearerIssuerOptions } from './bearer/options.js'
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
export type { PresetName, AuthMethod, AudienceParameter, IssuerPreset } from './outbound/presets.js'
