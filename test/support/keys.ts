import { exportJWK, generateKeyPair, type JWK } from 'jose'

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

export interface TestKey {
  kid: string
  alg: string
  privateJwk: JWK
  publicJwk: JWK
  privateKey: PrivateKey
}

/** A fresh signing key with a kid; extractable so oidc-provider can be given the JWK. */
export async function createTestKey(
  alg = 'RS256',
  kid = `k-${Math.random().toString(36).slice(2, 10)}`,
): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return { kid, alg, privateJwk, publicJwk, privateKey }
}
