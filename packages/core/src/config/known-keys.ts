import type { AttributionOptions } from '../basic/attribution.js'
import type { FileTillStoreOptions } from '../basic/file-till-store.js'
import type { LockoutPolicy } from '../basic/lockout.js'
import type { BasicOptions } from '../basic/options.js'
import type { IntrospectionOptions } from '../bearer/introspection-options.js'
import type { BearerIssuerOptions } from '../bearer/options.js'
import type { VerifiedTokenCacheOptions } from '../bearer/verifier.js'
import type { AuthenticatorOptions } from './authenticator-options.js'
import type { DPoPOption } from '../outbound/dpop-key.js'
import type { TokenClientHooks } from '../outbound/hooks.js'
import type { TokenClientMtlsOptions } from '../outbound/mtls-options.js'
import type { RefreshAheadOptions, RetryOptions, TokenClientOptions } from '../outbound/options.js'
import type { ResourceMetadataOptions } from '../resource-metadata.js'
import type { DpopOptions } from '../sender/dpop-options.js'
import type { MtlsOptions } from '../sender/mtls-options.js'

/**
 * The one list of option names, for `createAuthenticator`, `createTokenClient`, the JSON config
 * file and the environment reader. Each list is checked against its TypeScript interface with
 * `satisfies`, so an option added to an interface and not here (or listed here and not there)
 * fails the typecheck instead of being refused, or silently accepted, at run time.
 */

/** A value its option's own validator checks; a JSON file can carry it. */
const VALUE = 'value'
/** A value only code can pass (a function, a store, a Date): a JSON file naming it is refused. */
const CODE = 'code'

export interface Nested<S extends Shape = Shape> {
  /** The keys of the object this option holds (of each object, when it holds an array). */
  readonly keys: S
  /** False when only code can pass the option at all (it needs a TillStore, say). */
  readonly json: boolean
}
export type KeyNode = typeof VALUE | typeof CODE | Nested
export interface Shape {
  readonly [key: string]: KeyNode
}

/** Every key of every member of a union, made required: the keys a schema must list. */
type AllKeys<T> = T extends unknown ? keyof T : never
type Schema<T> = { readonly [K in AllKeys<Exclude<T, false | undefined>> & string]-?: KeyNode }

function nested<const S extends Shape>(keys: S, json = true): Nested<S> {
  return Object.freeze({ keys, json })
}

const INTROSPECTION = {
  clientId: VALUE,
  clientSecret: VALUE,
  authMethod: VALUE,
  endpoint: VALUE,
  cacheTtlMs: VALUE,
  requireAudience: VALUE,
  inactiveCache: nested({
    ttlMs: VALUE,
    maxEntries: VALUE,
    maxBytes: VALUE,
  } satisfies Schema<IntrospectionOptions['inactiveCache']>),
  maxConcurrent: VALUE,
  maxQueued: VALUE,
} as const satisfies Schema<IntrospectionOptions>

const ISSUER = {
  issuer: VALUE,
  audience: VALUE,
  preset: VALUE,
  audienceClaim: VALUE,
  requiredClaims: VALUE, // claim names are the user's own
  introspection: nested(INTROSPECTION),
  jwksUri: VALUE,
  algorithms: VALUE,
  secret: VALUE,
  clockTolerance: VALUE,
  requireAccessTokenType: VALUE,
  scopeClaim: VALUE,
  tillClaims: nested({
    id: VALUE,
    store: VALUE,
  } satisfies Schema<BearerIssuerOptions['tillClaims']>),
  jwksCooldownMs: VALUE,
  jwksMaxAgeMs: VALUE,
  failureBackoffMs: VALUE,
  timeoutMs: VALUE,
  allowInsecureRequests: VALUE,
  fetch: CODE,
  dpop: nested({
    required: VALUE,
    nonce: nested({ secret: VALUE } satisfies Schema<DpopOptions['nonce']>),
    iatWindowSec: VALUE,
    algorithms: VALUE,
  } satisfies Schema<DpopOptions>),
  // 'tls' | 'client-cert' | 'xfcc' from a file; a function only from code (validated either way).
  mtls: nested({ certificate: VALUE } satisfies Schema<MtlsOptions>),
} as const satisfies Schema<BearerIssuerOptions>

const BASIC = {
  tills: CODE,
  realm: VALUE,
  mode: VALUE,
  pepper: VALUE,
  lockout: nested({
    maxFailures: VALUE,
    windowMs: VALUE,
    coolDownMs: VALUE,
  } satisfies Schema<Partial<LockoutPolicy>>),
  cache: nested({ ttlMs: VALUE, maxEntries: VALUE } satisfies Schema<BasicOptions['cache']>),
  deprecation: nested({
    date: CODE,
    sunset: CODE,
    link: VALUE,
  } satisfies Schema<BasicOptions['deprecation']>),
  onLegacyAuth: CODE,
  metrics: nested({ tillIds: VALUE } satisfies Schema<BasicOptions['metrics']>),
} as const satisfies Schema<BasicOptions>

const AUTHENTICATOR = {
  bearer: nested(ISSUER),
  realm: VALUE,
  maxTokenLength: VALUE,
  cache: nested({
    maxEntries: VALUE,
    maxBytes: VALUE,
  } satisfies Schema<VerifiedTokenCacheOptions>),
  tokenHeader: VALUE,
  publicUrl: VALUE,
  resourceMetadata: nested({
    resource: VALUE,
    authorizationServers: VALUE,
    scopesSupported: VALUE,
    resourceName: VALUE,
  } satisfies Schema<ResourceMetadataOptions>),
  // Both need a TillStore, which a JSON file cannot hold.
  basic: nested(BASIC, false),
  attribution: nested(
    { scope: VALUE, header: VALUE, tills: CODE } satisfies Schema<AttributionOptions>,
    false,
  ),
  store: CODE,
  onStoreFallback: CODE,
  logger: CODE,
} as const satisfies Schema<AuthenticatorOptions>

const TOKEN_CLIENT = {
  issuer: VALUE,
  tokenEndpoint: VALUE,
  clientId: VALUE,
  clientSecret: VALUE,
  privateKey: VALUE, // a JWK's members are the JWK's own
  privateKeyId: VALUE,
  privateKeyAlgorithm: VALUE,
  authMethod: VALUE,
  preset: VALUE,
  scope: VALUE,
  audience: VALUE,
  resource: VALUE,
  extraParams: VALUE, // parameter names are the user's own
  timeoutMs: VALUE,
  retry: nested({
    retries: VALUE,
    baseDelayMs: VALUE,
    maxDelayMs: VALUE,
    maxRetryAfterMs: VALUE,
  } satisfies Schema<RetryOptions>),
  refreshAhead: nested({
    minMs: VALUE,
    ratio: VALUE,
    maxMs: VALUE,
    jitter: VALUE,
  } satisfies Schema<RefreshAheadOptions>),
  defaultExpiresIn: VALUE,
  expiryLeewayMs: VALUE,
  allowInsecureRequests: VALUE,
  fetch: CODE,
  hooks: nested({
    tokenFetched: CODE,
    cacheHit: CODE,
    retry: CODE,
    refreshFailed: CODE,
    requestFailed: CODE,
  } satisfies Schema<TokenClientHooks>),
  now: CODE,
  store: CODE,
  onStoreFallback: CODE,
  // `true`, or the key: a JWK's members are the JWK's own (as for `privateKey`).
  dpop: nested({
    privateKey: VALUE,
    algorithm: VALUE,
  } satisfies Schema<Exclude<DPoPOption, boolean>>),
  mtls: nested({
    key: VALUE,
    cert: VALUE,
    ca: VALUE,
    passphrase: VALUE,
  } satisfies Schema<TokenClientMtlsOptions>),
} as const satisfies Schema<TokenClientOptions>

export interface OptionSchema {
  readonly keys: Shape
  /** Options that were removed, by path (no array indices), with where their job went. */
  readonly retired: Readonly<Record<string, string>>
}

export const AUTHENTICATOR_OPTIONS: OptionSchema = Object.freeze({
  keys: AUTHENTICATOR,
  retired: Object.freeze({
    // One way to share state: the lockout counts in the authenticator's `store`.
    'basic.lockout.store': 'pass the store as the top-level "store"',
  }),
})

export const TOKEN_CLIENT_OPTIONS: OptionSchema = Object.freeze({
  keys: TOKEN_CLIENT,
  retired: Object.freeze({}),
})

export const FILE_TILL_STORE_OPTIONS: OptionSchema = Object.freeze({
  keys: {
    checkIntervalMs: VALUE,
    onError: CODE,
    allowMissing: VALUE,
  } as const satisfies Schema<FileTillStoreOptions>,
  retired: Object.freeze({}),
})

/** `"bearer.introspection.clientId"` and the like: every path the authenticator's options have. */
export type AuthenticatorOptionPath = PathsOf<typeof AUTHENTICATOR>
type PathsOf<S extends Shape> = {
  [K in keyof S & string]: S[K] extends Nested<infer Inner> ? K | `${K}.${PathsOf<Inner>}` : K
}[keyof S & string]
