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
export { memoryTillStore } from './basic/till-store.js'
export type { TillRecord, TillStore } from './basic/till-store.js'
export { fileTillStore, readTillStoreFile } from './basic/file-till-store.js'
export type { FileTillStore, FileTillStoreOptions } from './basic/file-till-store.js'
export { hashTillSecret, inspectTillSecret } from './basic/secret.js'
export type { HashTillSecretOptions, TillSecretInfo } from './basic/secret.js'
export type { ScryptCost } from './basic/scrypt-params.js'
export { memoryAttemptStore, DEFAULT_LOCKOUT } from './basic/attempts.js'
export type { AttemptStore, LockoutPolicy } from './basic/attempts.js'
export type { BasicOptions, BasicMode, LegacyAuthEvent } from './basic/options.js'
export type { AttributionOptions } from './basic/attribution.js'
export type { HeaderSink } from './basic/verifier.js'
export { parseBasicCredentials } from './basic/parse.js'
export type { BasicCredentials } from './basic/parse.js'
