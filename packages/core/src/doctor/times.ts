import { checkExpiry, checkNotBefore } from '../bearer/claims.js'
import type { IssuerConfig } from '../bearer/options.js'
import { line, reason, type Lines } from './types.js'

/** exp and nbf with the tolerance spelled out, and a hint when the clocks disagree. */
export function timeLines(
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

function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds))
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  return `${Math.round(s / 3600)} h`
}
