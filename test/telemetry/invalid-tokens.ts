import { randomBytes } from 'node:crypto'
import { base64url, SignJWT } from 'jose'
import { createTestKey } from '../support/keys.js'
import type { TestIssuer } from '../support/issuer.js'

/** Every invalid token below carries this, so a test can look for it in attribute values. */
export const MARK = 'attacker'

const encode = (value: object): string => base64url.encode(JSON.stringify(value))
const junk = (): string => randomBytes(32).toString('base64url')

/**
 * `count` distinct invalid tokens of four kinds, in turn: opaque strings (asked of the
 * introspection endpoint), JWTs naming an untrusted issuer, JWTs from the real issuer's `iss`
 * with a key id it never had (signed by an attacker key), and JWTs with the issuer's key id and
 * a random signature. Each embeds caller-chosen text that must never become an attribute.
 */
export async function invalidTokens(issuer: TestIssuer, count: number): Promise<string[]> {
  const attacker = await createTestKey('RS256')
  const now = Math.floor(Date.now() / 1000)
  const claims = (i: number, iss: string) => ({
    iss,
    sub: `${MARK}-sub-${i}`,
    client_id: `${MARK}-client-${i}`,
    aud: `${MARK}-aud-${i}`,
    scope: 'event.view',
    iat: now,
    exp: now + 300,
  })
  const tokens: string[] = []
  for (let i = 0; i < count; i++) {
    switch (i % 4) {
      case 0:
        tokens.push(`${MARK}-opaque-${i}-${junk()}`)
        break
      case 1:
        tokens.push(
          `${encode({ alg: 'RS256', typ: 'at+jwt', kid: `${MARK}-kid-${i}` })}.${encode(claims(i, `https://${MARK}-${i}.test`))}.${junk()}`,
        )
        break
      case 2:
        tokens.push(
          await new SignJWT(claims(i, issuer.issuer))
            .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: `${MARK}-kid-${i}` })
            .sign(attacker.privateKey),
        )
        break
      default:
        tokens.push(
          `${encode({ alg: 'RS256', typ: 'at+jwt', kid: issuer.key.kid })}.${encode(claims(i, issuer.issuer))}.${junk()}`,
        )
    }
  }
  return tokens
}
