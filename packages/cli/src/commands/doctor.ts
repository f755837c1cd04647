import { parseArgs } from 'node:util'
import {
  authenticatorOptionsFromEnv,
  diagnoseIssuer,
  type BearerIssuerOptions,
  type Diagnosis,
  type JwsAlgorithm,
} from '@m2m-auth/core'
import { UsageError, type Command, type Io } from '../io.js'
import { presetHelp, presetOption } from './preset-option.js'

const HELP = `usage: m2m-auth doctor --issuer <url> --audience <aud> [options]

Checks an issuer configuration (discovery, JWKS, algorithms) and, given a token, explains
line by line whether this configuration would accept it. Exit code 0 only if it would.
Without --issuer, the configuration comes from the M2M_AUTH_* environment variables.

options:
  --issuer <url>            the token issuer (iss)
  --audience <aud>          an accepted audience; repeat for several
  --preset <name>           ${presetHelp(28)}
  --jwks-uri <url>          skip discovery and fetch keys from here
  --algorithms <a,b>        allowed algorithms (default: all asymmetric)
  --clock-tolerance <s>     seconds of clock skew tolerated (default 5)
  --scope-claim <c>         claim holding scopes; repeat for several
  --token <jwt|->           the token to explain; "-" reads it from standard input
  --json                    machine-readable output
`

const MARK = { pass: '✓', fail: '✗', warn: '!', info: '·' } as const

export const doctor: Command = async (args, io) => {
  const { values } = parse(args)
  if (values.help) {
    io.stdout.write(HELP)
    return 0
  }
  const options = issuerOptions(values, io)
  const token = values.token === '-' ? (await io.readStdin()).trim() : values.token
  const diagnosis = await diagnoseIssuer(options, token)
  io.stdout.write(
    values.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : render(diagnosis, token),
  )
  return diagnosis.accepted ? 0 : 1
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      options: {
        issuer: { type: 'string' },
        audience: { type: 'string', multiple: true },
        preset: { type: 'string' },
        'jwks-uri': { type: 'string' },
        algorithms: { type: 'string' },
        'clock-tolerance': { type: 'string' },
        'scope-claim': { type: 'string', multiple: true },
        token: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`)
  }
}

type Values = ReturnType<typeof parse>['values']

function issuerOptions(values: Values, io: Io): BearerIssuerOptions {
  const preset = presetOption(values.preset)
  if (values.issuer === undefined) {
    if (!Object.keys(io.env).some((k) => k.startsWith('M2M_AUTH_'))) {
      throw new UsageError(`--issuer is required (or set M2M_AUTH_ISSUER)\n\n${HELP}`)
    }
    const { bearer } = authenticatorOptionsFromEnv(io.env, { cwd: io.cwd })
    const list: readonly BearerIssuerOptions[] =
      bearer === undefined ? [] : 'issuer' in bearer ? [bearer] : bearer
    if (list[0] === undefined) throw new UsageError('the configuration names no issuer')
    return list[0]
  }
  if (!values.audience?.length) throw new UsageError(`--audience is required\n\n${HELP}`)
  const tolerance = values['clock-tolerance']
  if (tolerance !== undefined && !/^\d+$/.test(tolerance)) {
    throw new UsageError(`--clock-tolerance must be a whole number of seconds, got "${tolerance}"`)
  }
  return {
    issuer: values.issuer,
    audience: values.audience,
    ...(preset === undefined ? {} : { preset }),
    ...(values['jwks-uri'] === undefined ? {} : { jwksUri: values['jwks-uri'] }),
    ...(values.algorithms === undefined
      ? {}
      : { algorithms: values.algorithms.split(',').map((a) => a.trim() as JwsAlgorithm) }),
    ...(tolerance === undefined ? {} : { clockTolerance: Number(tolerance) }),
    ...(values['scope-claim'] === undefined ? {} : { scopeClaim: values['scope-claim'] }),
  }
}

function render(diagnosis: Diagnosis, token: string | undefined): string {
  const width = Math.max(...diagnosis.lines.map((l) => l.check.length))
  const body = diagnosis.lines
    .map((l) => `  ${MARK[l.status]} ${l.check.padEnd(width)}  ${l.detail}`)
    .join('\n')
  const verdict =
    token === undefined
      ? diagnosis.accepted
        ? 'The issuer configuration works.'
        : 'The issuer configuration has problems (see ✗ above).'
      : diagnosis.accepted
        ? 'This configuration would ACCEPT the token.'
        : 'This configuration would REJECT the token (see ✗ above).'
  return `m2m-auth doctor: ${diagnosis.issuer}\n${body}\n\n${verdict}\n`
}
