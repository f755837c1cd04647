import { parseArgs } from 'node:util'
import { renderBanner } from '../dev-issuer/banner.js'
import { readInput } from '../dev-issuer/input.js'
import { startDevIssuer } from '../dev-issuer/server.js'
import { resolveSetup, type DevIssuerSetup } from '../dev-issuer/setup.js'
import { stopRequested } from '../dev-issuer/stop-signal.js'
import { UsageError, type Command, type Io } from '../io.js'

const USAGE = `usage: m2m-auth dev-issuer [options]

Starts a real OAuth 2.0 issuer (oidc-provider) on 127.0.0.1 for developing and testing a
service locally, and prints its URL, the clients and their secrets, the M2M_AUTH_* lines
for the service and ready-to-paste "m2m-auth token" commands. Client credentials grant
(RFC 6749 §4.4); JWT access tokens (RFC 9068) or opaque ones checked by introspection
(RFC 7662). Development only: keys, clients and tokens live in memory and change on every
start unless fixed by the options below. Ctrl-C (SIGINT) or SIGTERM stops it, exit code 0.

options:
  --port <n>                     port on 127.0.0.1 (default 0: a free one, printed)
  --client <id[:secret[:scopes]]>
                                 a client; scopes comma-separated (default: all), an empty
                                 secret means a random one; repeatable
                                 (default: dev-client, random secret, all scopes)
  --scope <scopes>               scopes the issuer defines, space- or comma-separated;
                                 repeatable (default: read write); clients' scopes are added
  --audience <uri>               an API (resource indicator, the token's aud); repeatable
                                 (default: http://localhost:3000)
  --format <jwt|opaque>          access token format for every audience (default: jwt)
  --introspection-client <id[:secret]>
                                 the service's own client for introspecting opaque tokens
                                 (default: dev-introspection, random secret)
  --ttl <seconds>                access token lifetime (default 3600)
  --config <file>                the same as JSON; flags override it:
                                 {"port":4000,"scopes":["read","write"],
                                  "audiences":{"http://localhost:3000":"jwt"},
                                  "clients":[{"id":"dev-client","secret":"…","scopes":["read"]}],
                                  "introspection":{"id":"…","secret":"…"},"ttl":3600}
  -h, --help

Guide: docs/dev-issuer.md
`

const OPTIONS = {
  port: { type: 'string' },
  client: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  audience: { type: 'string', multiple: true },
  format: { type: 'string' },
  'introspection-client': { type: 'string' },
  ttl: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `m2m-auth dev-issuer`: a local issuer until Ctrl-C. */
export const devIssuer: Command = async (args, io) => {
  const values = parse(args)
  if (values.help) {
    io.stdout.write(USAGE)
    return 0
  }
  const setup = await setupFrom(values, io)
  // Listening for the stop before starting: Ctrl-C during start-up also stops cleanly.
  const stop = stopRequested(io.signal)
  const issuer = await startDevIssuer(setup)
  io.stdout.write(renderBanner(issuer.issuer, setup))
  await stop
  await issuer.close()
  io.stderr.write('m2m-auth dev-issuer: stopped\n')
  return 0
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values']

function parse(args: string[]): Values {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch {
    // parseArgs quotes what was typed, and a --client value holds a secret.
    throw new UsageError(`unknown or malformed option\n\n${USAGE}`)
  }
}

async function setupFrom(values: Values, io: Io): Promise<DevIssuerSetup> {
  try {
    return resolveSetup(await readInput(values, values.config, io.cwd))
  } catch (error) {
    // Option mistakes are TypeErrors naming the option; on the command line they are usage errors.
    if (error instanceof TypeError) throw new UsageError(error.message)
    throw error
  }
}
