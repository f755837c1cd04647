#!/usr/bin/env node
// The `m2m-auth` command. This file is committed (dist/ is not) so that the bin exists when a
// workspace install links it, before anything is built: pointing `bin` at dist/bin.js made the
// first `pnpm install` warn "Failed to create bin". The command itself is the compiled CLI.
const cli = new URL('../dist/bin.js', import.meta.url)
try {
  await import(cli.href)
} catch (error) {
  // Only the CLI itself missing means "not built"; any other failure is reported as it is.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || error.url !== cli.href) throw error
  process.stderr.write('m2m-auth: the CLI is not built yet; run `pnpm build` (tsc -b) first\n')
  process.exitCode = 1
}
