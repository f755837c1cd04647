import type { Logger } from '../telemetry/log.js'
import type { AttributionOptions } from '../basic/attribution.js'
import type { BasicOptions } from '../basic/options.js'
import type { BearerIssuerOptions } from '../bearer/options.js'
import type { VerifiedTokenCacheOptions } from '../bearer/verifier.js'
import type { ResourceMetadataOptions } from '../resource-metadata.js'
import type { StoreFallbackEvent } from '../store/resilient-store.js'
import type { Store } from '../store/types.js'
import { AUTHENTICATOR_OPTIONS } from './known-keys.js'
import { checkOptionKeys } from './unknown-keys.js'

interface SharedOptions {
  /** Legacy POS tills on HTTP Basic (RFC 7617), alongside Bearer on the same routes or alone. */
  basic?: BasicOptions
  /**
   * Where state that replicas should share lives (till lockout counts today): `redisStore()`
   * from `@m2m-auth/redis` for a fleet. Default: `memoryStore()`, this process alone.
   */
  store?: Store
  /**
   * Told when the shared `store` stops answering (every call has a 250 ms deadline) and state
   * falls back to this process, and when it is back; also reported as a process warning.
   */
  onStoreFallback?: (event: StoreFallbackEvent) => void
  /**
   * Where inbound events are logged (pino, winston and `console` fit): refusals at debug with
   * their code and reason, issuer outages and store fallbacks at warn, lockouts at warn with
   * the till id. No token, secret or MD5 ever reaches a line.
   */
  logger?: Logger
}

/** Bearer tokens from one or more issuers, with POS tills on Basic alongside when `basic` is set. */
export interface BearerAuthenticatorOptions extends SharedOptions {
  /** One trusted issuer, or several (picked by the token's `iss`). */
  bearer: BearerIssuerOptions | readonly BearerIssuerOptions[]
  /** Realm of the Bearer challenge (RFC 6750 §3). Default `"api"`. */
  realm?: string
  /** Tokens longer than this are refused before any parsing. Default 8 KiB. */
  maxTokenLength?: number
  /** The verified-token cache; `false` turns it off. */
  cache?: VerifiedTokenCacheOptions | false
  /**
   * Read the bearer token from this header instead of `Authorization: Bearer` (a preset such
   * as `capillary` sets it). Either source is accepted; both at once are a 400.
   */
  tokenHeader?: string
  /**
   * The origin clients call this service at (`https://api.example.com`), for DPoP proofs' `htu`
   * (RFC 9449 §4.3). Default: the framework's own idea of the request URL, which behind a proxy
   * is right only when its trust-proxy setting is. See docs/sender-constrained.md.
   */
  publicUrl?: string
  /** Serve RFC 9728 protected resource metadata and announce it in 401 challenges. */
  resourceMetadata?: ResourceMetadataOptions
  /** Let a POS gateway's token name the till it acts for in a header. */
  attribution?: AttributionOptions
}

/**
 * POS tills on Basic alone: an endpoint that has not started its OAuth migration. Bearer tokens
 * are refused (401), and the options that shape Bearer handling have nothing to apply to.
 */
export interface BasicOnlyAuthenticatorOptions extends SharedOptions {
  bearer?: undefined
  basic: BasicOptions
  realm?: undefined
  maxTokenLength?: undefined
  cache?: undefined
  tokenHeader?: undefined
  publicUrl?: undefined
  resourceMetadata?: undefined
  attribution?: undefined
}

/** At least one of `bearer` and `basic`. */
export type AuthenticatorOptions = BearerAuthenticatorOptions | BasicOnlyAuthenticatorOptions

/** The options of `BearerAuthenticatorOptions` that mean nothing without `bearer`. */
const BEARER_ONLY = Object.keys({
  realm: true,
  maxTokenLength: true,
  cache: true,
  tokenHeader: true,
  publicUrl: true,
  resourceMetadata: true,
  attribution: true,
} satisfies Record<Exclude<keyof BearerAuthenticatorOptions, keyof SharedOptions | 'bearer'>, true>)

/**
 * Construction-time checks of the options as a whole: no unknown keys, at least one scheme,
 * and nothing that only Bearer uses on an authenticator without it.
 */
export function checkAuthenticatorOptions(options: AuthenticatorOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createAuthenticator() needs an options object')
  }
  checkOptionKeys(options, AUTHENTICATOR_OPTIONS)
  if (options.bearer !== undefined) return
  if (options.basic === undefined) {
    throw new TypeError(
      'createAuthenticator() needs at least one of "bearer" (token issuers) or "basic" (POS tills)',
    )
  }
  for (const name of BEARER_ONLY) {
    if ((options as unknown as Record<string, unknown>)[name] !== undefined) {
      const realmHint = name === 'realm' ? '; the Basic challenge\'s realm is "basic.realm"' : ''
      throw new TypeError(
        `"${name}" applies to Bearer tokens, and no "bearer" is configured${realmHint}`,
      )
    }
  }
}
