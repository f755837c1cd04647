import type { Store } from '../store/types.js'
import { issuerUnavailable } from '../http/fetch-json.js'
import {
  isAsymmetric,
  isHmac,
  keyFitsAlgorithm,
  verifyHmac,
  verifySignature,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
} from './algorithms.js'
import { checkClaims, checkType, toPrincipal } from './claims.js'
import { createMetadataSource } from './discovery.js'
import { createIntrospector, type Introspect } from './introspection.js'
import { RemoteJwks, type SelectedKeys } from './jwks.js'
import { invalidToken, type DecodedJwt } from './jws.js'
import type { IssuerConfig } from './options.js'
import type { Verified } from './verified.js'

export interface IssuerVerifier {
  readonly config: IssuerConfig
  /** Synchronous once the signing key is known, so a fresh token costs no extra ticks. */
  verify(jwt: DecodedJwt): Verified | Promise<Verified>
  /** The allowlist, key lookup and signature steps of `verify`, alone (for `doctor`). */
  checkSignature(jwt: DecodedJwt): Promise<string>
  /** RFC 7662 introspection of an opaque token, when configured. */
  readonly introspect: Introspect | undefined
  /** Whether a cached result signed with this kid is still backed by the issuer's JWKS. */
  hasKid(kid: string): boolean
  /** Fetches now what the first token would otherwise wait for: metadata and keys. */
  prefetch(): Promise<void>
}

/**
 * Everything needed to verify one issuer's JWTs; built once, at construction. `store`, when the
 * user configured a shared one, shares introspection results across replicas.
 */
export function createIssuerVerifier(config: IssuerConfig, store?: Store): IssuerVerifier {
  const needsMetadata =
    config.jwksUri === undefined ||
    (config.introspection !== undefined && !config.introspection.endpoint)
  const metadata = needsMetadata ? createMetadataSource(config) : undefined
  const jwksUri = async (): Promise<string> => {
    if (config.jwksUri !== undefined) return config.jwksUri
    const { jwks_uri } = await metadata!.get()
    if (typeof jwks_uri !== 'string')
      throw issuerUnavailable(`${config.issuer} publishes no jwks_uri`)
    return jwks_uri
  }
  const jwks = new RemoteJwks(config, jwksUri)

  // RFC 7517 §4.5: any of the (at most MAX_KEY_CANDIDATES) keys matching the header may have
  // signed the token; with one key, as almost always, this is one check.
  const withKeys = (jwt: DecodedJwt, alg: AsymmetricAlgorithm, selected: SelectedKeys): string => {
    let fitting = false
    for (const key of selected.keys) {
      if (!keyFitsAlgorithm(alg, key)) continue
      fitting = true
      if (verifySignature(alg, jwt.signingInput, jwt.signature, key)) return selected.kid
    }
    if (!fitting)
      throw invalidToken('ERR_TOKEN_ALGORITHM', 'the token algorithm does not match its key')
    throw badSignature()
  }

  // Allowlist, key, signature; synchronous once jose has selected this header's keys before.
  const signatureKid = (jwt: DecodedJwt): string | Promise<string> => {
    const alg = checkAlgorithm(jwt, config)
    if (isHmac(alg)) {
      if (!verifyHmac(alg, jwt.signingInput, jwt.signature, config.secret!)) throw badSignature()
      return ''
    }
    const known = jwks.knownKeys(jwt.header)
    if (known !== undefined) return withKeys(jwt, alg, known)
    return jwks.getKeys(jwt.header).then((selected) => withKeys(jwt, alg, selected))
  }

  const verified = (jwt: DecodedJwt, kid: string): Verified => {
    const exp = checkClaims(jwt.payload, config, Date.now() / 1000)
    return { principal: toPrincipal(jwt.payload, config, exp), expiresAt: exp * 1000, kid }
  }

  return {
    config,
    hasKid: (kid) => kid === '' || jwks.hasKid(kid),
    async prefetch() {
      const asymmetric = [...config.algorithms].filter(isAsymmetric)
      if (config.introspection !== undefined && metadata !== undefined) {
        // An introspecting issuer may issue opaque tokens only: keys only where it has any.
        const { jwks_uri } = await metadata.get()
        if (config.jwksUri === undefined && typeof jwks_uri !== 'string') return
      }
      if (asymmetric.length > 0) await jwks.prefetch(asymmetric)
    },
    checkSignature: async (jwt) => signatureKid(jwt),
    introspect:
      config.introspection === undefined
        ? undefined
        : createIntrospector(
            config,
            config.introspection,
            metadata && (() => metadata.get()),
            store,
          ),
    verify(jwt) {
      checkAlgorithm(jwt, config)
      checkType(jwt.header, config)
      const kid = signatureKid(jwt)
      return typeof kid === 'string' ? verified(jwt, kid) : kid.then((k) => verified(jwt, k))
    },
  }
}

function checkAlgorithm(jwt: DecodedJwt, config: IssuerConfig): JwsAlgorithm {
  const alg = jwt.header.alg as JwsAlgorithm
  // RFC 8725 §3.1: only algorithms on the allowlist; `none` never is.
  if (!config.algorithms.has(alg)) {
    throw invalidToken('ERR_TOKEN_ALGORITHM', 'the token algorithm is not allowed')
  }
  return alg
}

function badSignature(): Error {
  return invalidToken('ERR_TOKEN_SIGNATURE', 'the token signature is invalid')
}

export type { Verified } from './verified.js'
