/**
 * oidc-provider for the test issuer, configured so that it has nothing to warn about. Its
 * development notices are not errors, but printed once per test file and once per issuer start
 * they bury the lines that are. Each is answered by configuration, except the runtime check.
 *
 * - "a quick start development-only in-memory adapter is used": an explicit adapter
 *   (`memoryAdapter`, the same storage, chosen on purpose).
 * - "default features.introspection.allowedPolicy function called": the same policy as the
 *   default, written out (RFC 7662 §4 leaves who may introspect to the server).
 * - "Unsupported runtime" (printed on import on Node 20, where it works; see DESIGN.md):
 *   no option turns it off, so exactly that line is dropped while oidc-provider loads, and
 *   nothing else: every other line it prints then or later still shows.
 */
import type { default as OidcProvider, Configuration } from 'oidc-provider'
import { memoryAdapter } from './oidc-memory-adapter.js'

/** oidc-provider's own default (lib/helpers/defaults.js) */
const DEFAULT_CLOCK_TOLERANCE = 15
// On a terminal the line is wrapped in ANSI colour codes, so it is matched as a substring.
const UNSUPPORTED_RUNTIME = 'oidc-provider WARNING: Unsupported runtime.'

const Provider = await withoutLine(UNSUPPORTED_RUNTIME, async () => {
  const module = await import('oidc-provider')
  return module.default
})

/** A provider for `configuration`, with the choices that keep it from warning filled in. */
export function createQuietProvider(issuer: string, configuration: Configuration): OidcProvider {
  const features = configuration.features ?? {}
  return new Provider(issuer, {
    ...configuration,
    adapter: memoryAdapter(configuration.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE),
    // The feature's type is a union of enabled and disabled shapes; this is the enabled one.
    features: {
      ...features,
      introspection: { ...features.introspection, allowedPolicy: introspectionAllowed },
    } as Features,
  })
}

type Features = NonNullable<Configuration['features']>
type AllowedPolicy = NonNullable<NonNullable<Features['introspection']>['allowedPolicy']>

/** oidc-provider's default: a public client may introspect only its own tokens. */
const introspectionAllowed: AllowedPolicy = (ctx, client, token) =>
  !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client?.clientId)

/** Runs `load` with console.warn dropping the one known line that contains `line`. */
async function withoutLine<T>(line: string, load: () => Promise<T>): Promise<T> {
  const warn = console.warn
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].includes(line)) return
    warn.apply(console, args)
  }
  try {
    return await load()
  } finally {
    console.warn = warn
  }
}
