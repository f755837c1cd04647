import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createTokenClient,
  logHooks,
  type AuthMethod,
  type ClientPrivateKey,
  type TokenClientOptions,
} from '@m2m-auth/core'
import { UsageError, type Command, type Io } from '../io.js'
import { presetHelp, presetOption } from './preset-option.js'

const USAGE = `usage: m2m-auth token --issuer <url> --client-id <id> [options]

Prints an access token (OAuth 2.0 client credentials, RFC 6749 §4.4), e.g.
  curl -H "Authorization: Bearer $(m2m-auth token --issuer … --client-id …)" https://api…

options:
  --issuer <url>              issuer to discover the token endpoint from   [M2M_AUTH_ISSUER]
  --token-endpoint <url>      token endpoint, skipping discovery
  --client-id <id>                                                        [M2M_AUTH_CLIENT_ID]
  --scope <scopes>            space-separated
  --audience <uri>            the API the token is for                      [M2M_AUTH_AUDIENCE]
  --resource <uri>            RFC 8707 resource indicator (repeatable)
  --preset <name>             ${presetHelp(30)}
  --auth-method <method>      client_secret_basic (default), client_secret_post, private_key_jwt
  --client-secret-file <path> read the secret from a file          (or set M2M_AUTH_CLIENT_SECRET)
  --private-key-file <path>   PKCS#8 PEM or JWK for private_key_jwt
  --dpop                      a DPoP-bound token (RFC 9449) and a proof for --htm and --htu;
                              prints the token, then the proof, one per line
  --dpop-key-file <path>      the DPoP key (PKCS#8 PEM or private JWK); default a fresh ES256 key
  --htm <method>              the method the proof is for (default GET)
  --htu <url>                 the URL the proof is for (required with --dpop)
  --json                      print the token response as JSON
  --verbose                   log token requests and retries to stderr

The client secret is never taken from the command line, where ps and shell history see it.
`

const OPTIONS = {
  issuer: { type: 'string' },
  'token-endpoint': { type: 'string' },
  'client-id': { type: 'string' },
  scope: { type: 'string' },
  audience: { type: 'string' },
  resource: { type: 'string', multiple: true },
  preset: { type: 'string' },
  'auth-method': { type: 'string' },
  'client-secret-file': { type: 'string' },
  'private-key-file': { type: 'string' },
  dpop: { type: 'boolean' },
  'dpop-key-file': { type: 'string' },
  htm: { type: 'string' },
  htu: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values']

/** `m2m-auth token`: one token from the issuer, printed for scripts and curl. */
export const token: Command = async (args, io) => {
  refuseSecretArguments(args)
  let values: Values
  try {
    ;({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }))
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`)
  }
  if (values.help) {
    io.stdout.write(USAGE)
    return 0
  }
  const options = await clientOptions(values, io)
  let client: ReturnType<typeof createTokenClient>
  try {
    client = createTokenClient(options)
  } catch (error) {
    // Option mistakes are TypeErrors naming the option; on the command line they are usage errors.
    if (error instanceof TypeError) throw new UsageError(error.message)
    throw error
  }
  const accessToken = await client.getAccessToken()
  const proof = values.dpop ? await proofFor(client, values) : undefined
  if (!values.json) {
    io.stdout.write(
      `${accessToken.accessToken}\n${proof?.dpop === undefined ? '' : `${proof.dpop}\n`}`,
    )
    return 0
  }
  const expiresIn = Math.max(0, Math.round((accessToken.expiresAt.getTime() - Date.now()) / 1000))
  const body = {
    access_token: accessToken.accessToken,
    token_type: accessToken.tokenType,
    expires_in: expiresIn,
    expires_at: accessToken.expiresAt.toISOString(),
    ...(accessToken.scope === undefined ? {} : { scope: accessToken.scope }),
    ...(proof?.dpop === undefined ? {} : { dpop_proof: proof.dpop }),
    headers: proof ?? accessToken.headers,
  }
  io.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
  return 0
}

/**
 * The headers for one request to --htu with --htm: `authorization: DPoP …` and a proof
 * (RFC 9449 §4) — or, when the issuer did not bind the token, just the Bearer header.
 */
function proofFor(
  client: ReturnType<typeof createTokenClient>,
  values: Values,
): Promise<Readonly<Record<string, string>>> {
  return client.headersFor(values.htm ?? 'GET', values.htu!)
}

function refuseSecretArguments(args: string[]): void {
  for (const arg of args) {
    if (arg === '--client-secret' || arg.startsWith('--client-secret=')) {
      throw new UsageError(
        '--client-secret is refused: a secret on the command line is visible in ps and shell history. ' +
          'Set M2M_AUTH_CLIENT_SECRET or use --client-secret-file <path>.',
      )
    }
  }
}

async function clientOptions(values: Values, io: Io): Promise<TokenClientOptions> {
  const common = {
    issuer: values.issuer ?? io.env.M2M_AUTH_ISSUER,
    tokenEndpoint: values['token-endpoint'],
    clientId: required(values['client-id'] ?? io.env.M2M_AUTH_CLIENT_ID, '--client-id'),
    scope: values.scope,
    audience: values.audience ?? io.env.M2M_AUTH_AUDIENCE,
    resource: values.resource,
    preset: presetOption(values.preset),
    authMethod: values['auth-method'] as AuthMethod | undefined,
    hooks: values.verbose ? logHooks((line) => io.stderr.write(`${line}\n`)) : undefined,
  }
  if (common.issuer === undefined && common.tokenEndpoint === undefined)
    throw new UsageError(`--issuer or --token-endpoint is required\n\n${USAGE}`)
  const dpop = await dpopOption(values, io)
  if (dpop !== undefined) Object.assign(common, { dpop })
  try {
    if (values['private-key-file'] !== undefined) {
      const text = (await readText(values['private-key-file'], io)).trim()
      const privateKey = text.startsWith('{') ? (JSON.parse(text) as ClientPrivateKey) : text
      return { ...common, privateKey }
    }
    return { ...common, clientSecret: await secret(values, io) }
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError('--private-key-file is not valid JSON')
    throw error
  }
}

async function dpopOption(values: Values, io: Io): Promise<TokenClientOptions['dpop']> {
  const proofOptions = (['dpop-key-file', 'htm', 'htu'] as const).filter(
    (o) => values[o] !== undefined,
  )
  if (!values.dpop) {
    if (proofOptions.length > 0) throw new UsageError(`--${proofOptions[0]} needs --dpop`)
    return undefined
  }
  const htu = required(values.htu, '--htu')
  if (!URL.canParse(htu)) throw new UsageError('--htu must be an absolute URL')
  if (values.htm !== undefined && !/^[A-Za-z]+$/.test(values.htm))
    throw new UsageError('--htm must be an HTTP method, e.g. GET')
  const file = values['dpop-key-file']
  if (file === undefined) return true
  const text = (await readText(file, io)).trim()
  try {
    return { privateKey: text.startsWith('{') ? (JSON.parse(text) as ClientPrivateKey) : text }
  } catch {
    throw new UsageError('--dpop-key-file is not valid JSON')
  }
}

async function secret(values: Values, io: Io): Promise<string> {
  const file = values['client-secret-file']
  if (file !== undefined) {
    const text = (await readText(file, io)).replace(/\r?\n$/, '')
    if (text.length === 0) throw new UsageError(`--client-secret-file ${file} is empty`)
    return text
  }
  const fromEnv = io.env.M2M_AUTH_CLIENT_SECRET
  if (fromEnv === undefined || fromEnv.length === 0)
    throw new UsageError(
      'no client secret: set M2M_AUTH_CLIENT_SECRET, or use --client-secret-file or --private-key-file',
    )
  return fromEnv
}

async function readText(path: string, io: Io): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
  }
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value.length === 0)
    throw new UsageError(`${name} is required\n\n${USAGE}`)
  return value
}
