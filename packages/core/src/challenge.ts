/**
 * The one place that renders `WWW-Authenticate` challenges (RFC 7235 §4.1, RFC 6750 §3).
 * Parameter values are always quoted-strings; `\` and `"` are escaped (RFC 9110 §5.6.4),
 * and characters that cannot appear in a header at all are dropped.
 */
export interface Challenge {
  scheme: 'Bearer' | 'DPoP' | 'Basic'
  params: ReadonlyArray<readonly [name: string, value: string | undefined]>
}

// RFC 9110 §5.6.4: qdtext excludes CTLs; we also drop DEL and anything outside Latin-1.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f\u0100-\uffff]/g

export function quote(value: string): string {
  return `"${value.replace(UNSAFE, '').replace(/[\\"]/g, '\\$&')}"`
}

export function renderChallenge({ scheme, params }: Challenge): string {
  const rendered = params
    .filter((p): p is readonly [string, string] => p[1] !== undefined)
    .map(([name, value]) => `${name}=${quote(value)}`)
  return rendered.length === 0 ? scheme : `${scheme} ${rendered.join(', ')}`
}

/** Several challenges in one field value, as RFC 7235 §4.1 allows. */
export function renderChallenges(challenges: readonly Challenge[]): string {
  return challenges.map(renderChallenge).join(', ')
}

export interface ChallengeConfig {
  /** Whether Bearer tokens are accepted; `false` on a Basic-only authenticator. Default true. */
  bearer?: boolean | undefined
  /** Realm of the Bearer challenge. */
  realm?: string | undefined
  /** Realm of the Basic challenge; present only where Basic is enabled. */
  basicRealm?: string | undefined
  /** URL of the RFC 9728 protected resource metadata, announced on 401s. */
  resourceMetadata?: string | undefined
  /** RFC 9449 §7.1: where DPoP-bound tokens are accepted, the proof algorithms (`algs`). */
  dpopAlgorithms?: string | undefined
  /** The challenge that carries the error: the scheme the request used. Default Bearer. */
  errorScheme?: 'Bearer' | 'DPoP' | undefined
}

interface ChallengeSource {
  readonly status: number
  readonly error: string | undefined
  readonly message: string
  readonly scope: string | undefined
}

/** Which challenges a response carries, by RFC 6750 §3 and RFC 7617 §2. */
export function challengesFor(error: ChallengeSource, config: ChallengeConfig): Challenge[] {
  if (error.status === 503) return []
  const basic: Challenge | undefined =
    config.basicRealm === undefined
      ? undefined
      : {
          scheme: 'Basic',
          params: [
            ['realm', config.basicRealm],
            ['charset', 'UTF-8'],
          ],
        }
  // Basic only: never offer a scheme that is refused. A 403 needs no challenge (RFC 9110
  // §15.5.4), and `insufficient_scope` is a Bearer parameter (RFC 6750 §3.1).
  if (config.bearer === false && config.dpopAlgorithms === undefined) {
    return basic === undefined || error.status === 403 ? [] : [basic]
  }
  const dpop = config.dpopAlgorithms !== undefined
  // The error belongs to the scheme the client used (RFC 9449 §7.1), else to the one offered.
  const errorOn =
    config.bearer === false || (dpop && config.errorScheme === 'DPoP') ? 'DPoP' : 'Bearer'
  const tokenChallenge = (scheme: 'Bearer' | 'DPoP'): Challenge => {
    const withError = scheme === errorOn
    return {
      scheme,
      params: [
        ['realm', config.realm],
        ['error', withError ? error.error : undefined],
        ['error_description', withError && error.error !== undefined ? error.message : undefined],
        ['scope', withError ? error.scope : undefined],
        ['algs', scheme === 'DPoP' ? config.dpopAlgorithms : undefined],
        // RFC 9728 §5.1: tells a client where to learn which issuer and scopes to use.
        ['resource_metadata', error.status === 401 ? config.resourceMetadata : undefined],
      ],
    }
  }
  if (error.status === 403) return [tokenChallenge(errorOn)]
  const challenges: Challenge[] = []
  if (config.bearer !== false) challenges.push(tokenChallenge('Bearer'))
  if (dpop) challenges.push(tokenChallenge('DPoP'))
  if (basic !== undefined) challenges.push(basic)
  return challenges
}
