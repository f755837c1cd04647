/**
 * oidc-provider prints development notices through console.info / console.warn: "Unsupported
 * runtime" on Node 20 (it works there; DESIGN.md), "development-only in-memory adapter" (this
 * issuer is development-only on purpose and says so itself) and "default … function called,
 * you SHOULD change it" NOTICEs. They would bury the lines a developer is meant to paste, so
 * they are dropped while a dev issuer runs; every other warning still shows.
 */
// On a terminal the notices are wrapped in ANSI colour codes (ESC [ … m).
const COLOUR = String.raw`(?:\u001b\[[\d;]*m)?`
const KNOWN = new RegExp(
  `^${COLOUR}oidc-provider (?:NOTICE: |WARNING: (?:Unsupported runtime|a quick start development-only))`,
)

let holders = 0
let restore: (() => void) | undefined

/** Starts dropping the known notices; returns the function that stops it (once per call). */
export function quietNotices(): () => void {
  if (holders++ === 0) restore = install()
  let released = false
  return () => {
    if (released) return
    released = true
    if (--holders === 0) restore?.()
  }
}

function install(): () => void {
  const { info, warn } = console
  const filter =
    (write: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      if (typeof args[0] === 'string' && KNOWN.test(args[0])) return
      write(...args)
    }
  console.info = filter(info.bind(console))
  console.warn = filter(warn.bind(console))
  return () => {
    console.info = info
    console.warn = warn
  }
}
