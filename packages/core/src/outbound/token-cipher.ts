import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12 // NIST SP 800-38D §8.2: 96-bit IVs for GCM
const TAG_BYTES = 16

/**
 * Seals tokens kept in a shared store: AES-256-GCM under a key derived (HKDF-SHA-256,
 * RFC 5869) from the client's own credential, with the store key as associated data, so
 * reading Redis alone yields nothing usable and an entry cannot be moved to another slot.
 */
export interface TokenCipher {
  seal(plaintext: string, slotKey: string): string
  /** `undefined` for anything not sealed by this key for this slot (tampered, other secret). */
  open(sealed: string, slotKey: string): string | undefined
}

export function createTokenCipher(credential: Uint8Array): TokenCipher {
  const key = Buffer.from(
    hkdfSync('sha256', credential, 'm2m-auth token cache', `aes-256-gcm ${VERSION}`, 32),
  )
  return {
    seal(plaintext, slotKey) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(slotKey))
      const body = Buffer.concat([
        cipher.update(plaintext, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ])
      return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`
    },
    open(sealed, slotKey) {
      const [version, iv, body] = sealed.split('.')
      if (version !== VERSION || iv === undefined || body === undefined) return undefined
      try {
        const bytes = Buffer.from(body, 'base64url')
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
        decipher.setAAD(Buffer.from(slotKey))
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
        const text = decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES))
        return Buffer.concat([text, decipher.final()]).toString('utf8')
      } catch {
        return undefined
      }
    },
  }
}
