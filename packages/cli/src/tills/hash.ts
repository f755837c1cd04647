import { createHash } from 'node:crypto'
import { hashTillSecret } from '@m2m-auth/core'
import { UsageError, type Command } from '../io.js'
import { costOption, pepperFrom, parseOptions } from './options.js'

export const HASH_USAGE = `usage: m2m-auth tills hash [--md5] [--cost-ln N]

Reads the till password from standard input (one trailing newline is dropped) and prints
the stored form: scrypt over the MD5 hex the till sends. With --md5, standard input is the
32-character MD5 hex itself. The pepper, if any, comes from $M2M_AUTH_TILL_PEPPER.
Secrets are never taken from the command line.
`

export const hash: Command = async (args, io) => {
  const { values } = parseOptions({
    args,
    options: { md5: { type: 'boolean' }, 'cost-ln': { type: 'string' }, help: { type: 'boolean' } },
  })
  if (values.help) {
    io.stdout.write(HASH_USAGE)
    return 0
  }
  const input = (await io.readStdin()).replace(/\r?\n$/, '')
  if (input === '') throw new UsageError('standard input is empty; pipe the password in')
  let md5hex = input
  if (values.md5) {
    if (!/^[0-9a-fA-F]{32}$/.test(input)) {
      throw new UsageError('with --md5, standard input must be 32 hexadecimal characters')
    }
    md5hex = input.toLowerCase()
  } else {
    md5hex = createHash('md5').update(input, 'utf8').digest('hex')
  }
  const stored = await hashTillSecret(md5hex, {
    pepper: pepperFrom(io.env),
    cost: costOption(values['cost-ln']),
  })
  io.stdout.write(`${stored}\n`)
  return 0
}
