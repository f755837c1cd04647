import {
  checkAudience,
  checkExpiry,
  checkNotBefore,
  checkRequiredClaims,
  checkType,
} from '../bearer/claims.js'
import type { IssuerVerifier } from '../bearer/issuer-verifier.js'
import type { DecodedJwt } from '../bearer/jws.js'
import type { IssuerConfig } from '../bearer/options.js'
import { isAuthError } from '../errors.js'
import { line, type Lines } from './types.js'

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

function timeLines(
  payload: Record<string, unknown>,
  config: IssuerConfig,
  nowS: number,
  lines: Lines,
) {
  const tolerance = `${config.clockTolerance} s clock tolerance`
  const { exp, iat } = payload
  try {
    checkExpiry(payload, config, nowS)
    const left = (exp as number) - nowS
    lines.push(
      left >= 0
        ? line('expiry', 'pass', `expires in ${duration(left)}`)
        : line(
            'expiry',
            'warn',
            `expired ${duration(-left)} ago; accepted only within the ${tolerance}`,
          ),
    )
  } catch (error) {
    lines.push(
      line(
        'expiry',
        'fail',
        typeof exp === 'number'
          ? `expired ${duration(nowS - exp)} ago (${new Date(exp * 1000).toISOString()}), beyond the ${tolerance}`
          : reason(error),
      ),
    )
  }
  try {
    checkNotBefore(payload, config, nowS)
  } catch (error) {
    const nbf = payload.nbf
    lines.push(
      line(
        'not before',
        'fail',
        typeof nbf === 'number'
          ? `not valid for another ${duration(nbf - nowS)}, beyond the ${tolerance}`
          : reason(error),
      ),
    )
  }
  // A token issued "in the future" means one of the two clocks is off.
  if (typeof iat === 'number' && iat > nowS + 1) {
    lines.push(
      line(
        'clock',
        iat > nowS + config.clockTolerance ? 'warn' : 'info',
        `iat is ${duration(iat - nowS)} in the future: this machine's clock is behind the issuer's`,
      ),
    )
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

function reason(error: unknown): string {
  return isAuthError(error) ? error.message : error instanceof Error ? error.message : String(error)
}

function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds))
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  return `${Math.round(s / 3600)} h`
}
