import { createMetadataSource } from '../bearer/discovery.js'
import type { IssuerConfig } from '../bearer/options.js'
import { fetchJson } from '../http/fetch-json.js'
import { line, type Lines } from './types.js'

interface PublishedKey {
  kid?: string
  kty?: string
  alg?: string
  crv?: string
  use?: string
}

/** Algorithms a key can verify, from its `alg`, or else its type and curve (RFC 7518 §6). */
function algorithmsOf(key: PublishedKey): string[] {
  if (typeof key.alg === 'string') return [key.alg]
  if (key.kty === 'RSA') return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
  if (key.kty === 'EC') {
    return [{ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[key.crv ?? ''] ?? '?']
  }
  if (key.kty === 'OKP') return ['EdDSA', 'Ed25519']
  return []
}

/** Discovery, JWKS and algorithm lines; returns the kids found (undefined when unreachable). */
export async function diagnoseKeys(config: IssuerConfig, lines: Lines): Promise<boolean> {
  let jwksUri = config.jwksUri
  if (jwksUri === undefined) {
    try {
      const metadata = await createMetadataSource(config).get()
      jwksUri = typeof metadata.jwks_uri === 'string' ? metadata.jwks_uri : undefined
      lines.push(
        line(
          'discovery',
          jwksUri ? 'pass' : 'fail',
          jwksUri
            ? `metadata found for ${metadata.issuer}; jwks_uri ${jwksUri}`
            : 'the issuer metadata has no jwks_uri',
        ),
      )
      if (config.introspection && !config.introspection.endpoint) {
        const endpoint = metadata.introspection_endpoint
        lines.push(
          line(
            'introspection',
            endpoint ? 'pass' : 'fail',
            endpoint ? `introspection_endpoint ${endpoint}` : 'no introspection_endpoint published',
          ),
        )
      }
    } catch (error) {
      lines.push(line('discovery', 'fail', `${config.issuer}: ${describe(error)}`))
      return false
    }
  } else {
    lines.push(line('discovery', 'info', `skipped: jwksUri is configured (${jwksUri})`))
  }
  if (jwksUri === undefined) return false
  let keys: PublishedKey[]
  try {
    const body = await fetchJson(jwksUri, {
      fetch: config.fetch,
      timeoutMs: config.timeoutMs,
      what: 'JWKS',
    })
    const raw = (body as { keys?: unknown }).keys
    if (!Array.isArray(raw)) throw new Error('the document has no keys array')
    keys = raw.filter((k): k is PublishedKey => typeof k === 'object' && k !== null)
  } catch (error) {
    lines.push(line('keys', 'fail', `${jwksUri}: ${describe(error)}`))
    return false
  }
  const summary = keys.map(
    (k) => `${k.kid ?? '(no kid)'} ${k.kty ?? '?'} ${algorithmsOf(k)[0] ?? '?'}`,
  )
  lines.push(
    line('keys', keys.length > 0 ? 'pass' : 'fail', `${keys.length} key(s): ${summary.join(', ')}`),
  )
  const allowed = [...config.algorithms]
  const usable = keys.filter((k) => algorithmsOf(k).some((a) => config.algorithms.has(a as never)))
  const unusable = keys.filter((k) => !usable.includes(k))
  if (keys.length > 0 && usable.length === 0) {
    lines.push(
      line(
        'algorithms',
        'fail',
        `no published key can verify an allowed algorithm (${allowed.join(', ')})`,
      ),
    )
    return false
  }
  lines.push(
    line(
      'algorithms',
      unusable.length === 0 ? 'pass' : 'warn',
      unusable.length === 0
        ? `every published key fits the allowed algorithms (${allowed.join(', ')})`
        : `keys ${unusable.map((k) => k.kid ?? '?').join(', ')} use algorithms outside ${allowed.join(', ')}`,
    ),
  )
  return true
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const inner = error.cause instanceof Error ? `: ${describe(error.cause)}` : ''
  return `${error.message}${inner}`
}
