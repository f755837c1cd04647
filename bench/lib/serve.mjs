// Shared by every target server: the settings the orchestrator passes, and the one line
// it waits for. Servers bind 127.0.0.1 only and exit when the orchestrator disconnects.
export const env = {
  variant: process.env.BENCH_VARIANT ?? 'bare',
  issuer: required('BENCH_ISSUER'),
  jwksUri: required('BENCH_JWKS_URI'),
  audience: required('BENCH_AUDIENCE'),
  /** The cold workload turns our verified-token cache off: every request is verified. */
  cacheOff: process.env.BENCH_CACHE === 'off',
}

export const BODY = 'ok'

function required(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

/**
 * Our authenticator, configured like a user would (discovery from the issuer URL), with its
 * metadata and keys fetched at start-up as the README shows: the minimal check fetches its keys
 * at start-up too. Fastify processes whose first requests waited on the key fetch were seen to
 * settle into a slower JIT state for their whole life (see docs/benchmarks.md).
 */
export async function ourAuthenticator() {
  const { createAuthenticator } = await import('@m2m-auth/core')
  const authenticator = createAuthenticator({
    bearer: { issuer: env.issuer, audience: env.audience },
    ...(env.cacheOff ? { cache: false } : {}),
  })
  await authenticator.prefetch()
  return authenticator
}

let recorded

/**
 * The telemetry variants: our authenticator with the OpenTelemetry SDK registered first (see
 * lib/otel.mjs). The server reports what the SDK recorded when it stops.
 */
export async function ourAuthenticatorWithMetrics() {
  const { registerMeterProvider } = await import('./otel.mjs')
  recorded = registerMeterProvider()
  return ourAuthenticator()
}

export function announce(port) {
  process.stdout.write(`LISTENING ${port}\n`)
  // The orchestrator closes our stdin when it is done with us.
  process.stdin.on('end', () => void stop()).resume()
}

async function stop() {
  if (recorded !== undefined) process.stdout.write(`RECORDED ${await recorded()}\n`)
  process.exit(0)
}

export function unknownVariant() {
  throw new Error(`unknown variant ${env.variant}`)
}
