import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JWK } from 'jose'
import { isAuthError } from '@m2m-auth/core'
import {
  createIssuerVerifier,
  type IssuerVerifier,
} from '../../packages/core/src/bearer/issuer-verifier.js'
import { normalizeIssuer } from '../../packages/core/src/bearer/options.js'
import type { DecodedJwt } from '../../packages/core/src/bearer/jws.js'
import { startJwksServer, type JwksServer } from '../support/jwks-server.js'

/**
 * Project Wycheproof's ECDSA IEEE P1363 vectors (test/vectors/wycheproof, Apache-2.0) through
 * the verifier's own signature path: the vector's key is served as a JWK from a loopback JWKS,
 * and `checkSignature` runs the allowlist, jose's key selection, the key-type check and the
 * P1363 verify exactly as a token's `header.payload` would be checked (RFC 7515 §5.2), with the
 * vector's `msg` as the signing input.
 */
interface Vector {
  tcId: number
  comment: string
  flags: string[]
  msg: string
  sig: string
  result: 'valid' | 'invalid' | 'acceptable'
}
interface VectorFile {
  numberOfTests: number
  testGroups: Array<{
    publicKey: { curve: string; keySize: number; wx: string; wy: string }
    sha: string
    tests: Vector[]
  }>
}

const FILES = [
  { file: 'ecdsa_secp256r1_sha256_p1363_test.json', alg: 'ES256', crv: 'P-256', size: 32 },
  { file: 'ecdsa_secp384r1_sha384_p1363_test.json', alg: 'ES384', crv: 'P-384', size: 48 },
] as const

const load = (file: string): VectorFile =>
  JSON.parse(
    readFileSync(new URL(`../vectors/wycheproof/${file}`, import.meta.url), 'utf8'),
  ) as VectorFile

/** A Wycheproof coordinate (hex, sometimes with a leading 00) as a JWK base64url field. */
const coordinate = (hex: string, size: number): string =>
  Buffer.from(hex.padStart(size * 2, '0').slice(-size * 2), 'hex').toString('base64url')

describe.each(FILES)(
  'Wycheproof $file through the $alg verify path',
  ({ file, alg, crv, size }) => {
    const vectors = load(file)
    const groups = vectors.testGroups
    let server: JwksServer
    let verifier: IssuerVerifier

    beforeAll(async () => {
      const keys: JWK[] = groups.map((g, i) => ({
        kty: 'EC',
        crv,
        x: coordinate(g.publicKey.wx, size),
        y: coordinate(g.publicKey.wy, size),
        kid: `group-${i}`,
        alg,
        use: 'sig',
      }))
      server = await startJwksServer(keys)
      verifier = createIssuerVerifier(
        normalizeIssuer(
          {
            issuer: 'https://wycheproof.example.test/',
            audience: 'https://calendar.example.test',
            jwksUri: server.url,
            algorithms: [alg],
          },
          'bearer',
        ),
      )
    })
    afterAll(() => server?.close())

    it('holds as many tests as it says', () => {
      const count = groups.reduce((n, g) => n + g.tests.length, 0)
      expect(count).toBe(vectors.numberOfTests)
      expect(count).toBeGreaterThan(0)
    })

    const cases = groups.flatMap((g, i) =>
      g.tests.map((t) => [`tcId ${t.tcId} (${t.result}): ${t.comment}`, i, t] as const),
    )
    it.each(cases)('%s', async (_name, group, vector) => {
      const jwt: DecodedJwt = {
        header: { alg, kid: `group-${group}` },
        payload: {},
        signingInput: Buffer.from(vector.msg, 'hex'),
        signature: Buffer.from(vector.sig, 'hex'),
      }
      const outcome = await verifier.checkSignature(jwt).then(
        (kid) => ({ accepted: true, kid }),
        (error: unknown) => ({ accepted: false, error }),
      )
      if (vector.result === 'acceptable') return // either answer is fine; none in these files
      if (vector.result === 'valid') {
        expect(outcome).toEqual({ accepted: true, kid: `group-${group}` })
        return
      }
      expect(outcome.accepted).toBe(false)
      const error = (outcome as { error: unknown }).error
      expect(isAuthError(error) && error.status).toBe(401)
      expect(isAuthError(error) && error.code).toBe('ERR_TOKEN_SIGNATURE')
    })
  },
)
