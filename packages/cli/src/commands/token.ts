import type { Command } from '../io.js'

/** Not built yet; see the open issue for `m2m-auth token`. */
export const token: Command = (_args, io) => {
  io.stderr.write('m2m-auth token: not available in this version\n')
  return Promise.resolve(1)
}
