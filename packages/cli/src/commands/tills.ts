import { UsageError, type Command } from '../io.js'
import { audit } from '../tills/audit.js'
import { hash } from '../tills/hash.js'
import { importTills } from '../tills/import.js'
import { mark } from '../tills/mark.js'

const SUBCOMMANDS: Record<string, { summary: string; run: Command }> = {
  hash: { summary: 'password (or MD5) on stdin -> stored scrypt form', run: hash },
  import: { summary: 'CSV tillId,md5[,scopes,store] -> till store file', run: importTills },
  audit: { summary: 'weak, disabled and migrated tills, with counts', run: audit },
  mark: { summary: 'flag tills migrated, disabled, or back', run: mark },
}

const USAGE = `usage: m2m-auth tills <subcommand> [options]

${Object.entries(SUBCOMMANDS)
  .map(([name, s]) => `  ${name.padEnd(8)}${s.summary}`)
  .join('\n')}

Run "m2m-auth tills <subcommand> --help" for details. Secrets are read from standard
input, files or the environment, never from the command line.
`

/** `m2m-auth tills`: hash, import, audit and mark POS till secrets. */
export const tills: Command = async (args, io) => {
  const [name, ...rest] = args
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(USAGE)
    return name === undefined ? 2 : 0
  }
  const sub = SUBCOMMANDS[name]
  if (!sub) throw new UsageError(`unknown subcommand "${name}"\n\n${USAGE}`)
  return sub.run(rest, io)
}
