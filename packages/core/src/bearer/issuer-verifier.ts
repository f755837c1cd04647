import type { Principal } from '../principal.js'
import { issuerUnavailable } from '../http/fetch-json.js'
import {
  isHmac,
  keyFitsAlgorithm,
  verifyHmac,
  verifySignature,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
} from './algorithms.js'
import { checkClaims, checkType, toPrincipal } from './claims.js'
import { createMetadataSource } from './discovery.js'
import { RemoteJwks, type SelectedKey } from './jwks.js'
import { invalidToken, type DecodedJwt } from './jws.js'
import type { IssuerConfig } from './options.js'

export interface Verified {
  readonly principal: Principal
  /** Milliseconds since the epoch after which the result must not be served. */
  readonly expiresAt: number
  readonly kid: string
}

export interface IssuerVerifier {
  readonly config: IssuerConfig
  /** Synchronous once the signing key is known, so a fresh token costs no extra ticks. */
  verify(jwt: DecodedJwt): Verified | Promise<Verified>
  /** Whether a cached result signed with this kid is still backed by the issuer's JWKS. */
  hasKid(kid: string): boolean
}

/** Everything needed to verify one issuer's JWTs; built once, at construction. */
export function createIssuerVerifier(config: IssuerConfig): IssuerVerifier {
  const metadata = config.jwksUri === undefined ? createMetadataSource(config) : undefined
  const jwksUri = async (): Promise<string> => {
    if (config.jwksUri !== undefined) return config.jwksUri
    const { jwks_uri } = await metadata!.get()
    if (typeof jwks_uri !== 'string')
      throw issuerUnavailable(`${config.issuer} publishes no jwks_uri`)
    return jwks_uri
  }
  const jwks = new RemoteJwks(config, jwksUri)

  const withKey = (jwt: DecodedJwt, alg: AsymmetricAlgorithm, selected: SelectedKey): Verified => {
    if (!keyFitsAlgorithm(alg, selected.key)) {
      throw invalidToken('ERR_TOKEN_ALGORITHM', 'the token algorithm does not match its key')
    }
    if (!verifySignature(alg, jwt.signingInput, jwt.signature, selected.key)) throw badSignature()
    return verified(jwt, selected.kid)
  }

  const verified = (jwt: DecodedJwt, kid: string): Verified => {
    const exp = checkClaims(jwt.payload, config, Date.now() / 1000)
    return { principal: toPrincipal(jwt.payload, config, exp), expiresAt: exp * 1000, kid }
  }

  return {
    config,
    hasKid: (kid) => kid === '' || jwks.hasKid(kid),
    verify(jwt) {
      const alg = jwt.header.alg as JwsAlgorithm
      // RFC 8725 §3.1: only algorithms on the allowlist; `none` never is.
      if (!config.algorithms.has(alg)) {
        throw invalidToken('ERR_TOKEN_ALGORITHM', 'the token algorithm is not allowed')
      }
      checkType(jwt.header, config)
      if (isHmac(alg)) {
        if (!verifyHmac(alg, jwt.signingInput, jwt.signature, config.secret!)) throw badSignature()
        return verified(jwt, '')
      }
      const known = jwks.knownKey(jwt.header)
      if (known !== undefined) return withKey(jwt, alg, known)
      return jwks.getKey(jwt.header).then((selected) => withKey(jwt, alg, selected))
    },
  }
}

function badSignature(): Error {
  return invalidToken('ERR_TOKEN_SIGNATURE', 'the token signature is invalid')
}
