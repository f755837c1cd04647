/**
 * Every scope a `requireScope` / `requireAnyScope` call in this process asked for, so the
 * RFC 9728 `scopes_supported` list follows the routes the app actually registered. Routes
 * are declared at start-up; the document is built when requested, so order does not matter.
 */
const registered = new Set<string>()

export function registerScopes(scopes: readonly string[]): void {
  for (const scope of scopes) registered.add(scope)
}

export function registeredScopes(): readonly string[] {
  return [...registered].sort()
}
