import { InvalidDpopProofError, UseDpopNonceError, type AuthError } from '../errors.js'
import { invalidToken } from '../bearer/jws.js'
import type { IssuerVerifier } from '../bearer/issuer-verifier.js'
import type { HeaderSink } from '../basic/verifier.js'
import type { Principal } from '../principal.js'
import { headerValues, malformed, type AuthRequest } from '../request.js'
import type { Store } from '../store/types.js'
import type { DpopConfig } from './dpop-options.js'
import { badProof, verifyProof } from './dpop-proof.js'
import { createReplayCheck } from './dpop-replay.js'
import { normalizeHtu, requestUri } from './htu.js'
import { boundCertificate, checkCertificate } from './mtls-binding.js'

export interface DpopBinding {
  /** `algs` for the DPoP challenge (RFC 9449 §7.1), or undefined when no issuer accepts DPoP. */
  readonly algorithms: string | undefined
  /** Whether any issuer still accepts unbound tokens on the Bearer scheme. */
  readonly bearerAccepted: boolean
  /**
   * A principal from `Authorization: Bearer`: refused when its token is DPoP-bound or must be,
   * and when it is certificate-bound (RFC 8705) to a certificate this request did not present.
   */
  checkBearer(principal: Principal, request?: AuthRequest): void
  /** A principal from `Authorization: DPoP`: its one proof must bind it to this request. */
  checkDpop(principal: Principal, token: string, proof: string, at: RequestAt): Promise<Principal>
}

export interface RequestAt {
  readonly request: AuthRequest
  /** The framework's own idea of the request URL (honouring its trust-proxy setting). */
  readonly requestUrl: (() => string) | undefined
  readonly response: HeaderSink | undefined
}

/**
 * Sender-constrained tokens, RFC 9449: which tokens need a proof, and whether the proof binds
 * the token to this request. Bound or not is read from the verified token's `cnf` (RFC 7800
 * §3.1; a JWT claim or an introspection member); the issuer's `dpop` options say the rest.
 */
export function createDpopBinding(
  issuers: ReadonlyMap<string, IssuerVerifier>,
  store: Store,
  publicUrl: string | undefined,
): DpopBinding {
  const configs = [...new Set(issuers.values())].map((v) => v.config)
  const dpop = configs.flatMap((c) => (c.dpop === undefined ? [] : [c.dpop]))
  const anyRequired = dpop.some((d) => d.required)
  const replay = createReplayCheck(store)
  const issuerOf = (principal: Principal): IssuerVerifier | undefined =>
    principal.issuer === undefined ? undefined : issuers.get(principal.issuer)

  return {
    algorithms:
      dpop.length === 0 ? undefined : [...new Set(dpop.flatMap((d) => d.algorithms))].join(' '),
    bearerAccepted: configs.some((c) => c.dpop?.required !== true),
    checkBearer(principal, request) {
      const cnf = principal.claims.cnf
      if (cnf === undefined) {
        if (anyRequired && issuerOf(principal)?.config.dpop?.required === true) throw dpopRequired()
        return
      }
      // RFC 9449 §7.2: a bound token on the Bearer scheme is a downgrade; never accepted.
      if (boundKey(cnf) !== undefined) {
        throw invalidToken(
          'ERR_TOKEN_BINDING',
          'the token is DPoP-bound: send it with the DPoP scheme and a proof',
        )
      }
      const x5t = boundCertificate(cnf)
      if (x5t !== undefined) checkCertificate(x5t, issuerOf(principal)?.config.mtls, request)
      if (anyRequired && issuerOf(principal)?.config.dpop?.required === true) throw dpopRequired()
    },
    async checkDpop(principal, token, proof, at) {
      const jkt = boundKey(principal.claims.cnf)
      if (jkt === undefined) throw invalidToken('ERR_TOKEN_BINDING', 'the token is not DPoP-bound')
      const issuer = issuerOf(principal)
      const config = issuer?.config.dpop
      // A bound token is never accepted without its proof, nor where nobody checks proofs.
      if (issuer === undefined || config === undefined) {
        throw invalidToken(
          'ERR_TOKEN_BINDING',
          'DPoP-bound tokens from this issuer are not accepted here',
        )
      }
      // A token bound to both a key and a certificate needs both (RFC 8705 §3, RFC 9449 §6).
      const x5t = boundCertificate(principal.claims.cnf)
      if (x5t !== undefined) checkCertificate(x5t, issuer.config.mtls, at.request)
      const uri = requestUri(at.request, at.requestUrl, publicUrl)
      const htu = uri === undefined ? undefined : normalizeHtu(uri)
      if (htu === undefined)
        throw badProof('the request URL is unknown, so the DPoP proof htu cannot match')
      const checked = await verifyProof(proof, {
        method: at.request.method ?? 'GET',
        htu,
        token,
        config,
        clockTolerance: issuer.config.clockTolerance,
      })
      // RFC 9449 §7.1 / §6.1: the proof's key is the one the token is bound to.
      if (checked.jkt !== jkt) {
        throw invalidToken(
          'ERR_TOKEN_BINDING',
          'the DPoP proof key does not match the token binding',
        )
      }
      const nextNonce = checkNonce(config, checked.nonce)
      // Last: a proof refused for any other reason has not been used up.
      await replay(jkt, checked.jti, (config.iatWindowSec + issuer.config.clockTolerance) * 1000)
      if (nextNonce !== undefined) at.response?.setHeader('DPoP-Nonce', nextNonce)
      return principal
    },
  }
}

/** RFC 7800 §3.1 `cnf`, RFC 9449 §6.1 `jkt`: the thumbprint a token is bound to, if any. */
function boundKey(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined
  if (typeof cnf !== 'object' || cnf === null) {
    throw invalidToken('ERR_TOKEN_BINDING', 'the token cnf claim is malformed')
  }
  const jkt = (cnf as { jkt?: unknown }).jkt
  if (jkt === undefined) return undefined
  if (typeof jkt !== 'string' || jkt.length === 0) {
    throw invalidToken('ERR_TOKEN_BINDING', 'the token cnf.jkt is malformed')
  }
  return jkt
}

/**
 * RFC 9449 §9: with nonces on, a proof must carry a current one; the refusal hands it out.
 * Returns the nonce to announce on success when the client's is about to go stale (§8.2).
 */
function checkNonce(config: DpopConfig, nonce: unknown): string | undefined {
  if (config.nonce === undefined) return undefined
  const now = Date.now()
  const state = config.nonce.check(nonce, now)
  if (state === 'current') return undefined
  const current = config.nonce.current(now)
  if (state === 'previous') return current
  throw new UseDpopNonceError({
    code: 'ERR_DPOP_NONCE',
    description: 'the DPoP proof must carry the nonce this server provides',
    headers: { 'DPoP-Nonce': current },
  })
}

function dpopRequired(): AuthError {
  return invalidToken('ERR_DPOP_REQUIRED', 'this resource accepts DPoP-bound tokens only')
}

/**
 * RFC 9449 §4.3 / §7.1: the DPoP scheme needs exactly one `DPoP` header. Two repeat a
 * parameter (RFC 6750 §3.1 `invalid_request`, 400); none is a missing proof (401).
 */
export function onlyProof(request: AuthRequest): string {
  const proofs = headerValues(request, 'dpop')
  if (proofs.length > 1) throw malformed('the request carries more than one DPoP header')
  const proof = proofs[0]?.trim()
  if (proof === undefined || proof.length === 0) {
    throw new InvalidDpopProofError({
      code: 'ERR_DPOP_PROOF_MISSING',
      description: 'the DPoP scheme needs one DPoP proof header',
    })
  }
  return proof
}
