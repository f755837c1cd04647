/**
 * What one fleet replica is told through its environment. Read once at start; a missing or
 * malformed variable is a TypeError naming it, so a misconfigured test fails at spawn time.
 */
export interface ReplicaConfig {
  /** The issuer's URL: the fault proxy's, so the test counts every call the fleet makes. */
  readonly issuer: string
  /** The audience (RFC 8707 resource) bearer tokens must be for. */
  readonly audience: string
  /** The client the replica asks for outbound tokens as (client credentials, RFC 6749 §4.4). */
  readonly outbound: { readonly clientId: string; readonly clientSecret: string }
  readonly outboundScope: string
  /** The resource server's own credentials at the introspection endpoint (RFC 7662 §2.1). */
  readonly introspection: { readonly clientId: string; readonly clientSecret: string }
  readonly redis: { readonly url: string } | { readonly clusterNodes: readonly string[] }
  readonly keyPrefix: string
  /** A `{ "tills": [...] }` file (fileTillStore). */
  readonly tillsFile: string
  readonly maxFailures: number
  /**
   * `DPOP=1`: the bearer issuer checks DPoP proofs (RFC 9449), replays through the shared store;
   * the issuer must then be DPoP-capable. `PUBLIC_URL` is the one origin every replica answers
   * for (the authenticator's `publicUrl`), so one proof's `htu` fits each of them.
   */
  readonly dpop?: { readonly publicUrl: string }
}

type Env = Readonly<Record<string, string | undefined>>

export function replicaConfigFromEnv(env: Env): ReplicaConfig {
  const need = (name: string): string => {
    const value = env[name]
    if (value === undefined || value.length === 0) throw new TypeError(`${name} must be set`)
    return value
  }
  return {
    issuer: need('ISSUER'),
    audience: need('AUDIENCE'),
    outbound: {
      clientId: need('OUTBOUND_CLIENT_ID'),
      clientSecret: need('OUTBOUND_CLIENT_SECRET'),
    },
    outboundScope: need('OUTBOUND_SCOPE'),
    introspection: {
      clientId: need('INTROSPECTION_CLIENT_ID'),
      clientSecret: need('INTROSPECTION_CLIENT_SECRET'),
    },
    redis: redisOf(env),
    keyPrefix: need('KEY_PREFIX'),
    tillsFile: need('TILLS_FILE'),
    maxFailures: positiveInteger(need('LOCKOUT_MAX_FAILURES'), 'LOCKOUT_MAX_FAILURES'),
    ...(env.DPOP === '1' && { dpop: { publicUrl: need('PUBLIC_URL') } }),
  }
}

function redisOf(env: Env): ReplicaConfig['redis'] {
  const url = env.REDIS_URL
  const nodes = env.REDIS_CLUSTER_NODES
  if ((url === undefined) === (nodes === undefined)) {
    throw new TypeError('exactly one of REDIS_URL and REDIS_CLUSTER_NODES must be set')
  }
  if (url !== undefined) return { url }
  const clusterNodes = nodes!.split(',').filter((node) => node.length > 0)
  if (clusterNodes.length === 0) throw new TypeError('REDIS_CLUSTER_NODES must list node URLs')
  return { clusterNodes }
}

function positiveInteger(text: string, name: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be an integer >= 1`)
  return value
}
