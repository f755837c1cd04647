// Counts node:crypto scrypt derivations in this process: how the fleet simulation sees what a
// till check cost, from outside core (which keeps its own count private). Measurement only;
// the bench patches its own process, never the product.
import { createRequire, syncBuiltinESMExports } from 'node:module'

const crypto = createRequire(import.meta.url)('node:crypto')
const original = crypto.scrypt
let count = 0

crypto.scrypt = function countedScrypt(...args) {
  count++
  return original.apply(this, args)
}
// ESM named imports of builtins (core's `import { scrypt } from 'node:crypto'`) are live
// bindings; this points them at the counted function.
syncBuiltinESMExports()

export const scryptCount = () => count
