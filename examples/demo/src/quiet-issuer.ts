/**
 * The embedded issuer is development-only on purpose (in-memory storage and keys, see the
 * overview line); oidc-provider says so on every start, in bold red on a terminal. The demo
 * already states it, so those two known notices are dropped; every other warning still shows.
 * Imported first by main.ts, so it is in place before oidc-provider loads.
 */
// On a terminal the notices are wrapped in ANSI colour codes (ESC [ … m).
const COLOUR = String.raw`(?:\u001b\[[\d;]*m)?`
const KNOWN = new RegExp(
  `^${COLOUR}oidc-provider WARNING: (?:Unsupported runtime|a quick start development-only in-memory adapter)`,
)
const warn = console.warn.bind(console)
console.warn = (...args: unknown[]): void => {
  if (typeof args[0] === 'string' && KNOWN.test(args[0])) return
  warn(...args)
}
