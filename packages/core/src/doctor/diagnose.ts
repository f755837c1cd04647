import { normalizeIssuer, type BearerIssuerOptions } from '../bearer/options.js'
import { createBearerVerifier } from '../bearer/verifier.js'
import { decodeJwt, type DecodedJwt } from '../bearer/jws.js'
import { isAuthError } from '../errors.js'
import { diagnoseKeys } from './keys.js'
import { diagnoseJwt } from './token.js'
import { line, type Diagnosis, type Lines } from './types.js'

/**
 * Explains, line by line, whether this issuer configuration works and would accept `token`.
 * Each check is the real verifier's own function run on its own; the verdict is the real
 * verifier's, so the explanation can never disagree with what a service would do.
 */
export async function diagnoseIssuer(
  options: BearerIssuerOptions,
  token?: string,
): Promise<Diagnosis> {
  const lines: Lines = []
  const issuer = typeof options?.issuer === 'string' ? options.issuer : '(none)'
  let verifier: ReturnType<typeof createBearerVerifier>
  try {
    const config = normalizeIssuer(options, 'issuer')
    verifier = createBearerVerifier([config], { maxTokenLength: 8192, cache: false })
    lines.push(line('configuration', 'pass', describeConfig(config)))
  } catch (error) {
    lines.push(line('configuration', 'fail', (error as Error).message))
    return { issuer, accepted: false, lines }
  }
  const issuerVerifier = [...verifier.issuers.values()][0]!
  const keysOk = await diagnoseKeys(issuerVerifier.config, lines)
  if (token === undefined) {
    return { issuer, accepted: keysOk && !lines.some((l) => l.status === 'fail'), lines }
  }
  let jwt: DecodedJwt | undefined
  try {
    jwt = decodeJwt(token)
    lines.push(line('token', 'info', `JWT, header ${JSON.stringify(jwt.header)}`))
  } catch (error) {
    const opaque = issuerVerifier.config.introspection !== undefined
    lines.push(
      line(
        'token',
        opaque ? 'info' : 'fail',
        opaque
          ? 'not a JWT: checked by introspection'
          : `${(error as Error).message}; an opaque token needs "introspection" configured`,
      ),
    )
  }
  if (jwt) await diagnoseJwt(jwt, issuerVerifier, lines)
  try {
    const principal = await verifier.verify(token)
    lines.push(
      line(
        'verdict',
        'pass',
        `accepted: subject ${principal.subject}, scopes ${[...principal.scopes].join(' ') || '(none)'}`,
      ),
    )
    return { issuer, accepted: true, lines }
  } catch (error) {
    const code = isAuthError(error) ? error.code : 'ERR_TOKEN_INVALID'
    lines.push(line('verdict', 'fail', `rejected: ${(error as Error).message} (${code})`))
    return { issuer, accepted: false, code, lines }
  }
}

function describeConfig(config: ReturnType<typeof normalizeIssuer>): string {
  return [
    `issuer ${config.issuers.join(' | ')}`,
    `${config.audienceClaims.join('/')} in ${[...config.audiences].join(', ')}`,
    `preset ${config.preset ?? 'none'}`,
    `algorithms ${[...config.algorithms].join(', ')}`,
    `scopes from ${config.scopeClaims.join(', ')}`,
    `clock tolerance ${config.clockTolerance} s`,
  ].join('; ')
}
