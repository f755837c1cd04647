import type { Command } from '../io.js'

/** Not built yet; see the open issue for `m2m-auth tills`. */
export const tills: Command = (_args, io) => {
  io.stderr.write('m2m-auth tills: not available in this version\n')
  return Promise.resolve(1)
}
