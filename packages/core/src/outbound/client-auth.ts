import { importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose'
import * as client from 'openid-client'
import type { ClientPrivateKey, TokenClientConfig } from './options.js'

/**
 * openid-client's implementation of the configured method: `client_secret_basic` and
 * `client_secret_post` (RFC 6749 §2.3.1) or `private_key_jwt` (RFC 7523 §2.2, a signed
 * assertion instead of a shared secret), or `tls_client_auth` / `self_signed_tls_client_auth`
 * (RFC 8705 §2: the TLS client certificate is the credential; only `client_id` is sent).
 */
export async function clientAuthentication(config: TokenClientConfig): Promise<client.ClientAuth> {
  switch (config.authMethod) {
    case 'client_secret_basic':
      return client.ClientSecretBasic(config.clientSecret)
    case 'client_secret_post':
      return client.ClientSecretPost(config.clientSecret)
    case 'private_key_jwt': {
      const { key, kid, alg } = config.privateKey!
      return client.PrivateKeyJwt({ key: await importKey(key, alg), kid })
    }
    // RFC 8705 §2.1 and §2.2 differ only in how the server checks the certificate.
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
      return client.TlsClientAuth()
  }
}

async function importKey(key: ClientPrivateKey, alg: string | undefined): Promise<CryptoKey> {
  try {
    if (typeof key === 'string') return await importPKCS8(key, alg ?? 'RS256')
    if (!isJwk(key)) return key
    const imported = await importJWK(key, alg ?? key.alg ?? 'RS256')
    if (imported instanceof Uint8Array) throw new Error('a symmetric key')
    return imported
  } catch {
    // jose's message is about the key's format; the key itself never goes into an error.
    throw new TypeError('"privateKey" is not a usable private key for private_key_jwt')
  }
}

function isJwk(key: ClientPrivateKey): key is JWK {
  return typeof key === 'object' && 'kty' in key
}
