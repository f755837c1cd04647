import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

const VERSION = 'v1'

/**
 * Authenticates introspection results kept in a shared store. They are claims, not
 * credentials, so they rest in plaintext JSON; but whoever can write to the store could
 * otherwise write "active" under the hash of a token they made up and be let in with any
 * principal. Each value therefore carries an HMAC-SHA-256 under a key derived (HKDF-SHA-256,
 * RFC 5869) from the introspection client's secret, which every replica has and the store never
 * sees. The MAC covers the store key too, so a genuine entry cannot be moved to another token.
 */
export interface EntrySeal {
  seal(key: string, text: string): string
  /** The text, or `undefined` for anything this secret did not seal for this key. */
  open(key: string, sealed: string): string | undefined
}

export function createEntrySeal(secret: string): EntrySeal {
  const macKey = Buffer.from(
    hkdfSync('sha256', secret, 'm2m-auth introspection cache', `hmac-sha256 ${VERSION}`, 32),
  )
  // Keys never contain a newline, so `key \n text` is unambiguous.
  const mac = (key: string, text: string): Buffer =>
    createHmac('sha256', macKey).update(`${key}\n${text}`).digest()

  return {
    seal: (key, text) => `${VERSION}.${mac(key, text).toString('base64url')}.${text}`,
    open(key, sealed) {
      const first = sealed.indexOf('.')
      const second = sealed.indexOf('.', first + 1)
      if (first < 0 || second < 0 || sealed.slice(0, first) !== VERSION) return undefined
      const given = Buffer.from(sealed.slice(first + 1, second), 'base64url')
      const text = sealed.slice(second + 1)
      const expected = mac(key, text)
      return given.length === expected.length && timingSafeEqual(given, expected) ? text : undefined
    },
  }
}
