import {
  checkAccessTokenShape,
  checkAudience,
  checkRequiredClaims,
  checkType,
} from '../bearer/claims.js'
import type { IssuerVerifier } from '../bearer/issuer-verifier.js'
import type { DecodedJwt } from '../bearer/jws.js'
import type { IssuerConfig } from '../bearer/options.js'
import { timeLines } from './times.js'
import { line, reason, type Lines } from './types.js'

const SCOPE_CLAIMS = ['scope', 'scp', 'scopes', 'permissions', 'roles']

/**
 * Runs each of the verifier's own checks separately on a decoded token, so every problem
 * gets a line, not just the first. The verdict itself comes from the real verifier.
 */
export async function diagnoseJwt(
  jwt: DecodedJwt,
  verifier: IssuerVerifier,
  lines: Lines,
  nowS = Date.now() / 1000,
): Promise<void> {
  await headerLines(jwt, verifier, lines)
  claimLines(jwt.payload, verifier.config, nowS, lines)
}

/** Algorithm allowlist, `typ`, `iss`, then key lookup and signature. */
async function headerLines(jwt: DecodedJwt, verifier: IssuerVerifier, lines: Lines): Promise<void> {
  const { config } = verifier
  const { header, payload } = jwt
  const allowed = [...config.algorithms].join(', ')
  const algOk = config.algorithms.has(header.alg as never)
  lines.push(
    line(
      'algorithm',
      algOk ? 'pass' : 'fail',
      algOk ? `${header.alg} is allowed` : `${header.alg} is not allowed (allowed: ${allowed})`,
    ),
  )
  step(
    lines,
    'type',
    () => checkType(header, config),
    `typ ${String(header.typ ?? '(none)')} accepted`,
  )
  const iss = payload.iss
  const issOk = typeof iss === 'string' && config.issuers.includes(iss)
  lines.push(
    line(
      'issuer',
      issOk ? 'pass' : 'fail',
      issOk
        ? `iss ${iss} is the configured issuer`
        : `iss ${JSON.stringify(iss)} is not the configured issuer ${config.issuers.join(' or ')}`,
    ),
  )
  if (algOk) {
    try {
      const kid = await verifier.checkSignature(jwt)
      lines.push(line('signature', 'pass', `valid, signed by key ${kid || '(shared secret)'}`))
    } catch (error) {
      const kid = header.kid === undefined ? 'no kid' : `kid ${header.kid}`
      lines.push(line('signature', 'fail', `${reason(error)} (${kid})`))
    }
  }
}

/**
 * exp, nbf, clock skew, audience, required claims, the token's kind (an ID token is not an
 * access token, RFC 8725 §3.11) and the scope claim's shape.
 */
function claimLines(
  payload: Record<string, unknown>,
  config: IssuerConfig,
  nowS: number,
  lines: Lines,
): void {
  timeLines(payload, config, nowS, lines)
  const audience = config.audienceClaims.map((c) => `${c}=${JSON.stringify(payload[c])}`).join(', ')
  step(
    lines,
    'audience',
    () => checkAudience(payload, config),
    `${audience} matches`,
    () => `${audience} is not one of ${[...config.audiences].join(', ')}`,
  )
  if (config.requiredClaims.length > 0) {
    const wanted = config.requiredClaims.map(([c, v]) => `${c}=${JSON.stringify(v)}`).join(', ')
    step(lines, 'claims', () => checkRequiredClaims(payload, config), `${wanted} present`)
  }
  step(lines, 'token kind', () => checkAccessTokenShape(payload, config), 'an access token')
  scopeLine(payload, config, lines)
}

function step(
  lines: Lines,
  check: string,
  run: () => void,
  passDetail: string,
  failDetail?: () => string,
): void {
  try {
    run()
    lines.push(line(check, 'pass', passDetail))
  } catch (error) {
    lines.push(line(check, 'fail', failDetail?.() ?? reason(error)))
  }
}

function scopeLine(payload: Record<string, unknown>, config: IssuerConfig, lines: Lines): void {
  const used = config.scopeClaims.find((c) => payload[c] !== undefined)
  const elsewhere = SCOPE_CLAIMS.filter(
    (c) => payload[c] !== undefined && !config.scopeClaims.includes(c),
  )
  if (used === undefined) {
    lines.push(
      line(
        'scopes',
        'warn',
        `no ${config.scopeClaims.join('/')} claim, so no scopes` +
          (elsewhere.length > 0
            ? `; the token has ${elsewhere.join(', ')}: set scopeClaim or a preset`
            : ''),
      ),
    )
    return
  }
  const value = payload[used]
  const shapeOk =
    typeof value === 'string' || (Array.isArray(value) && value.every((s) => typeof s === 'string'))
  lines.push(
    line(
      'scopes',
      shapeOk ? 'pass' : 'warn',
      shapeOk
        ? `${used} (${Array.isArray(value) ? 'array' : 'space-delimited string'}): ${JSON.stringify(value)}`
        : `${used} is ${JSON.stringify(value)}, neither a space-delimited string nor an array of strings; no scopes`,
    ),
  )
}
