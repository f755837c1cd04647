import type { CryptoKey, JWK } from 'jose'
import { TOKEN_CLIENT_OPTIONS } from '../config/known-keys.js'
import { checkOptionKeys } from '../config/unknown-keys.js'
import type { FetchLike } from '../http/fetch-json.js'
import type { StoreFallbackEvent } from '../store/resilient-store.js'
import type { Store } from '../store/types.js'
import { clientCredentials, jwkD, sealingCredential } from './credentials.js'
import { dpopKey, type DPoPKey, type DPoPOption } from './dpop-key.js'
import { fleetOptions, type FleetConfig } from './fleet-options.js'
import { mtlsFetch } from './mtls-fetch.js'
import {
  mtlsOptions,
  type MtlsConfig,
  type TokenClientMtlsOptions,
  type TlsAuthMethod,
} from './mtls-options.js'
import type { TokenClientHooks } from './hooks.js'
import { PRESETS, type AuthMethod, type IssuerPreset, type PresetName } from './presets.js'
import { createRedactor, type Redactor } from './redact.js'
import { requestParams, type RequestParams } from './request-params.js'
import { MAX_LIFETIME_MS } from './token-response.js'
import {
  atMost,
  fn,
  fraction,
  globalFetch,
  hooks,
  integer,
  nonEmptyString,
  nonNegative,
  optionalUrl,
  positive,
  stringRecord,
} from './validate.js'

/** A private key for `private_key_jwt` (RFC 7523 §2.2): PKCS#8 PEM, a private JWK or a CryptoKey. */
export type ClientPrivateKey = string | JWK | CryptoKey

interface CommonOptions {
  /** Issuer identifier; its token endpoint is discovered (OIDC Discovery, then RFC 8414). */
  issuer?: string
  /** The token endpoint itself; skips discovery. */
  tokenEndpoint?: string
  clientId: string
  /** Default `client_secret_basic` (or the preset's); `private_key_jwt` when `privateKey` is set. */
  authMethod?: AuthMethod
  /** Issuer quirks: where the audience goes, body format, token header. Default `generic`. */
  preset?: PresetName
  /** Scopes requested by default (RFC 6749 §3.3), space-separated or a list. */
  scope?: string | readonly string[]
  /** The API the token is for; sent as the preset says (`audience`, `resource` or `.default` scope). */
  audience?: string
  /** RFC 8707 resource indicator(s), always sent as `resource`. */
  resource?: string | readonly string[]
  /** More form (or JSON) parameters for the token request. */
  extraParams?: Readonly<Record<string, string>>
  /** Timeout of each HTTP request to the issuer. Default 10 s. */
  timeoutMs?: number
  retry?: RetryOptions
  refreshAhead?: RefreshAheadOptions
  /** Lifetime assumed when neither `expires_in` nor a JWT `exp` says. Default 60 s, at most 86400 (24 h). */
  defaultExpiresIn?: number
  /** A token is treated as expired this long before its expiry (clock skew, time in flight). Default 5 s. */
  expiryLeewayMs?: number
  /** Permit `http:` issuers beyond loopback. Default false. */
  allowInsecureRequests?: boolean
  fetch?: FetchLike
  hooks?: TokenClientHooks
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number
  /**
   * Share tokens with every replica (`redisStore()` from `@m2m-auth/redis`): one token request
   * per token for the whole fleet. Tokens rest in it sealed (AES-256-GCM) under a key derived
   * from this client's credential. Without it, tokens are per process, as before.
   */
  store?: Store
  /** Told when the shared `store` stops answering (this process then asks alone) and is back. */
  onStoreFallback?: (event: StoreFallbackEvent) => void
  /**
   * DPoP-bound tokens (RFC 9449): `true` for a fresh ES256 key of this process, or
   * `{ privateKey }` (PEM, JWK or CryptoKey). `fetch()` then sends a proof with every request.
   */
  dpop?: DPoPOption
  /**
   * A client certificate (RFC 8705) presented on every TLS connection: token requests (for
   * `authMethod: 'tls_client_auth'`, instead of a secret) and `fetch()` to APIs, so
   * certificate-bound tokens work. The issuer's `mtls_endpoint_aliases` are used (§5).
   */
  mtls?: TokenClientMtlsOptions
}

export type TokenClientOptions = CommonOptions &
  (
    | {
        clientSecret: string
        privateKey?: undefined
        privateKeyId?: undefined
        privateKeyAlgorithm?: undefined
      }
    | {
        privateKey: ClientPrivateKey
        privateKeyId?: string
        privateKeyAlgorithm?: string
        clientSecret?: undefined
      }
    | {
        authMethod: TlsAuthMethod
        mtls: TokenClientMtlsOptions
        clientSecret?: undefined
        privateKey?: undefined
        privateKeyId?: undefined
        privateKeyAlgorithm?: undefined
      }
  )

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number
  /** First backoff; doubled per retry, with full jitter. Default 200 ms. */
  baseDelayMs?: number
  /** Largest backoff. Default 5 s. */
  maxDelayMs?: number
  /** A `Retry-After` longer than this ends the retries. Default 30 s. */
  maxRetryAfterMs?: number
}

/** Refresh starts `min(max(minMs, ratio × lifetime), maxMs)` before expiry, minus jitter. */
export interface RefreshAheadOptions {
  minMs?: number
  ratio?: number
  maxMs?: number
  /** Up to this fraction of the lead is added at random, so replicas spread out. Default 0.1. */
  jitter?: number
}

export interface TokenClientConfig {
  readonly issuer: string | undefined
  readonly tokenEndpoint: string | undefined
  /** Token endpoint, or the issuer it is discovered from: the first part of every cache key. */
  readonly endpointId: string
  readonly clientId: string
  readonly clientSecret: string | undefined
  readonly privateKey:
    { readonly key: ClientPrivateKey; readonly kid?: string; readonly alg?: string } | undefined
  readonly authMethod: AuthMethod
  readonly preset: IssuerPreset
  readonly defaults: RequestParams
  readonly extraParams: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly retry: Required<RetryOptions>
  readonly refreshAhead: Required<RefreshAheadOptions>
  readonly defaultExpiresInMs: number
  readonly expiryLeewayMs: number
  readonly allowInsecureRequests: boolean
  readonly fetch: FetchLike
  readonly hooks: TokenClientHooks
  readonly now: () => number
  readonly redact: Redactor
  /** The fleet's shared token cache, when `store` is set. */
  readonly fleet: FleetConfig | undefined
  /** The DPoP proof key, when `dpop` is set. */
  readonly dpop: DPoPKey | undefined
  /** The client certificate, when `mtls` is set; `fetch` then presents it. */
  readonly mtls: MtlsConfig | undefined
}

/** Validates once, at construction; every mistake is a TypeError naming the option. */
export function normalizeOptions(options: TokenClientOptions): TokenClientConfig {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createTokenClient() needs an options object')
  checkOptionKeys(options, TOKEN_CLIENT_OPTIONS)
  const { name, preset } = presetOf(options.preset)
  const allowInsecureRequests = options.allowInsecureRequests === true
  const endpoints = endpointsOf(options, name, preset, allowInsecureRequests)
  const clientId = nonEmptyString(options.clientId, 'clientId')
  const mtls = mtlsOptions(options.mtls)
  const auth = clientCredentials(options, preset, mtls)
  if (options.audience !== undefined && preset.audienceParameter === 'none')
    throw new TypeError(`"audience" is not sent to ${name}: the issuer sets it (see docs)`)
  const dpop = dpopKey(options.dpop, preset)
  if (dpop?.given === false && options.store !== undefined)
    // A token bound to this process's own key is useless to every other replica.
    throw new TypeError(
      '"store" cannot share tokens bound to "dpop: true" (a key of this process only): pass "dpop: { privateKey }", the same on every replica, or leave out "store"',
    )
  const key = auth.privateKey?.key
  const secrets = [
    auth.clientSecret,
    typeof key === 'string' ? key : jwkD(key),
    mtls && Buffer.from(mtls.key).toString('utf8'),
    mtls?.passphrase,
  ]
  const fetch = fn(options.fetch, 'fetch') ?? globalFetch
  return Object.freeze({
    ...endpoints,
    clientId,
    ...auth,
    preset,
    defaults: requestParams(options.scope, options.audience, options.resource, 'scope'),
    extraParams: stringRecord(options.extraParams, 'extraParams'),
    ...policies(options),
    allowInsecureRequests,
    fetch: mtls === undefined ? fetch : mtlsFetch(mtls, fetch),
    hooks: Object.freeze({ ...hooks(options.hooks) }),
    now: fn(options.now, 'now') ?? Date.now,
    redact: createRedactor(secrets, { clientId, jwt: true }),
    // With only a certificate, shared tokens are sealed under a key derived from its private key.
    fleet: fleetOptions(options.store, options.onStoreFallback, sealingCredential(auth, mtls), {
      timeoutMs: positive(options.timeoutMs ?? 10_000, 'timeoutMs'),
      retries: integer(options.retry?.retries ?? 3, 'retry.retries', 10),
    }),
    dpop,
    mtls,
  })
}

function presetOf(value: unknown): { name: string; preset: IssuerPreset } {
  const name = value ?? 'generic'
  if (typeof name !== 'string' || !Object.hasOwn(PRESETS, name))
    throw new TypeError(`"preset" must be one of ${Object.keys(PRESETS).join(', ')}`)
  return { name, preset: (PRESETS as Record<string, IssuerPreset>)[name]! }
}

/** The issuer to discover from, or the token endpoint (JSON presets derive it from the issuer). */
function endpointsOf(
  options: TokenClientOptions,
  name: string,
  preset: IssuerPreset,
  allowInsecure: boolean,
): Pick<TokenClientConfig, 'issuer' | 'tokenEndpoint' | 'endpointId'> {
  const issuer = optionalUrl(options.issuer, 'issuer', allowInsecure)
  let tokenEndpoint = optionalUrl(options.tokenEndpoint, 'tokenEndpoint', allowInsecure)
  if (tokenEndpoint === undefined && preset.json) {
    if (preset.json.path === undefined || issuer === undefined)
      throw new TypeError(`"tokenEndpoint" is required with preset "${name}"`)
    tokenEndpoint = `${issuer.replace(/\/+$/, '')}${preset.json.path}`
  }
  const endpointId = tokenEndpoint ?? issuer
  if (endpointId === undefined) throw new TypeError('"issuer" or "tokenEndpoint" must be set')
  return { issuer, tokenEndpoint, endpointId }
}

/** Timeouts, retries, refresh-ahead and expiry: numbers with defaults. */
function policies(
  options: TokenClientOptions,
): Pick<
  TokenClientConfig,
  'timeoutMs' | 'retry' | 'refreshAhead' | 'defaultExpiresInMs' | 'expiryLeewayMs'
> {
  const retry = options.retry ?? {}
  const ahead = options.refreshAhead ?? {}
  const defaultExpiresIn = positive(options.defaultExpiresIn ?? 60, 'defaultExpiresIn')
  return {
    timeoutMs: positive(options.timeoutMs ?? 10_000, 'timeoutMs'),
    retry: Object.freeze({
      retries: integer(retry.retries ?? 3, 'retry.retries', 10),
      baseDelayMs: nonNegative(retry.baseDelayMs ?? 200, 'retry.baseDelayMs'),
      maxDelayMs: nonNegative(retry.maxDelayMs ?? 5_000, 'retry.maxDelayMs'),
      maxRetryAfterMs: nonNegative(retry.maxRetryAfterMs ?? 30_000, 'retry.maxRetryAfterMs'),
    }),
    refreshAhead: Object.freeze({
      minMs: nonNegative(ahead.minMs ?? 10_000, 'refreshAhead.minMs'),
      ratio: fraction(ahead.ratio ?? 0.2, 'refreshAhead.ratio'),
      maxMs: nonNegative(ahead.maxMs ?? 300_000, 'refreshAhead.maxMs'),
      jitter: fraction(ahead.jitter ?? 0.1, 'refreshAhead.jitter'),
    }),
    defaultExpiresInMs: atMost(defaultExpiresIn, MAX_LIFETIME_MS / 1000, 'defaultExpiresIn') * 1000,
    expiryLeewayMs: nonNegative(options.expiryLeewayMs ?? 5_000, 'expiryLeewayMs'),
  }
}
