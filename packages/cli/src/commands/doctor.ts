import type { Command } from '../io.js'

/** Not built yet; see the open issue for `m2m-auth doctor`. */
export const doctor: Command = (_args, io) => {
  io.stderr.write('m2m-auth doctor: not available in this version\n')
  return Promise.resolve(1)
}
