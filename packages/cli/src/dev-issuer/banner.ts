import type { DevAudience, DevClient, DevIssuerSetup } from './setup.js'

/**
 * What a developer pastes: the issuer, the clients, the service's environment per audience
 * (the M2M_AUTH_* variables authenticatorOptionsFromEnv reads) and one `m2m-auth token`
 * command per client and audience. Secrets are printed on purpose: they are throwaway
 * development secrets of an issuer that lives in memory and listens on loopback only.
 */
export function renderBanner(issuer: string, setup: DevIssuerSetup): string {
  const lines = [
    `m2m-auth dev-issuer: ${issuer}`,
    '  development only: in-memory keys, clients and tokens on 127.0.0.1; Ctrl-C stops it',
    '',
    'clients:',
    ...setup.clients.map(
      (c) => `  ${c.id}  secret ${c.secret}  scopes ${c.scopes.join(' ') || '(none)'}`,
    ),
  ]
  for (const audience of setup.audiences) {
    lines.push('', ...serviceEnv(issuer, audience, setup.introspection))
    lines.push('', `tokens for ${audience.audience}:`)
    for (const client of setup.clients) lines.push(`  ${tokenCommand(issuer, client, audience)}`)
  }
  return `${lines.join('\n')}\n`
}

function serviceEnv(issuer: string, audience: DevAudience, introspection?: DevClient): string[] {
  const env: [string, string][] = [
    ['M2M_AUTH_ISSUER', issuer],
    ['M2M_AUTH_AUDIENCE', audience.audience],
  ]
  if (audience.format === 'opaque' && introspection) {
    // RFC 7662 §2.1: the service authenticates to the introspection endpoint as its own client.
    env.push(['M2M_AUTH_INTROSPECTION_CLIENT_ID', introspection.id])
    env.push(['M2M_AUTH_INTROSPECTION_CLIENT_SECRET', introspection.secret])
  }
  const kind =
    audience.format === 'jwt'
      ? 'JWT access tokens'
      : 'opaque access tokens, checked by introspection'
  return [
    `service env for ${audience.audience} (${kind}):`,
    ...env.map(([name, value]) => `  export ${name}=${shellQuote(value)}`),
  ]
}

/**
 * `m2m-auth token` refuses a secret on its command line (ps and shell history see it), so
 * the command takes it from M2M_AUTH_CLIENT_SECRET, set for that one command.
 */
function tokenCommand(issuer: string, client: DevClient, audience: DevAudience): string {
  const words = [
    `M2M_AUTH_CLIENT_SECRET=${shellQuote(client.secret)}`,
    // The project's own CLI (node_modules/.bin is not on PATH); --no: never a registry fetch.
    'npx --no m2m-auth token',
    `--issuer ${shellQuote(issuer)}`,
    `--client-id ${shellQuote(client.id)}`,
    ...(client.scopes.length > 0 ? [`--scope ${shellQuote(client.scopes.join(' '))}`] : []),
    `--resource ${shellQuote(audience.audience)}`,
  ]
  return words.join(' ')
}

/** POSIX shell quoting: bare when safe, else single quotes (a quote inside becomes '\''). */
export function shellQuote(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}
