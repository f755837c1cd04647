import type { JWK } from 'jose'
import { isTlsAuthMethod, tlsCredentials, type MtlsConfig } from './mtls-options.js'
import type { ClientPrivateKey, TokenClientConfig, TokenClientOptions } from './options.js'
import type { IssuerPreset } from './presets.js'
import { nonEmptyString } from './validate.js'

type Credentials = Pick<TokenClientConfig, 'clientSecret' | 'privateKey' | 'authMethod'>

/**
 * The client's credential at the token endpoint, checked once: a secret (RFC 6749 §2.3.1), a
 * signing key (RFC 7523 §2.2) or, with `tls_client_auth`, the certificate itself (RFC 8705 §2).
 */
export function clientCredentials(
  options: TokenClientOptions,
  preset: IssuerPreset,
  mtls: MtlsConfig | undefined,
): Credentials {
  return isTlsAuthMethod(options.authMethod)
    ? tlsCredentials(options.authMethod, options, preset, mtls)
    : credentials(options, preset)
}

/** With only a certificate, shared tokens are sealed under a key derived from its private key. */
export function sealingCredential(
  auth: Pick<TokenClientConfig, 'clientSecret' | 'privateKey'>,
  mtls: MtlsConfig | undefined,
): Pick<TokenClientConfig, 'clientSecret' | 'privateKey'> {
  if (auth.clientSecret !== undefined || auth.privateKey !== undefined || mtls === undefined)
    return auth
  return { clientSecret: undefined, privateKey: { key: Buffer.from(mtls.key).toString('utf8') } }
}

function credentials(
  options: TokenClientOptions,
  preset: IssuerPreset,
): Pick<TokenClientConfig, 'clientSecret' | 'privateKey' | 'authMethod'> {
  if (options.privateKey !== undefined && options.clientSecret !== undefined)
    throw new TypeError('set "clientSecret" or "privateKey", not both')
  if (options.privateKey !== undefined) {
    const key = options.privateKey
    if (typeof key !== 'string' && (typeof key !== 'object' || key === null))
      throw new TypeError('"privateKey" must be a PEM string, a private JWK or a CryptoKey')
    if (preset.json) throw new TypeError('"privateKey" is not supported by this preset')
    if ((options.authMethod ?? 'private_key_jwt') !== 'private_key_jwt')
      throw new TypeError('"authMethod" must be "private_key_jwt" when "privateKey" is set')
    const kid = options.privateKeyId ?? (isJwk(key) ? key.kid : undefined)
    const alg = options.privateKeyAlgorithm ?? (isJwk(key) ? key.alg : undefined)
    if (kid !== undefined) nonEmptyString(kid, 'privateKeyId')
    return {
      clientSecret: undefined,
      privateKey: Object.freeze({ key, kid, alg }),
      authMethod: 'private_key_jwt',
    }
  }
  const clientSecret = nonEmptyString(options.clientSecret, 'clientSecret')
  const authMethod = options.authMethod ?? preset.authMethod
  if (authMethod !== 'client_secret_basic' && authMethod !== 'client_secret_post')
    throw new TypeError(
      '"authMethod" must be "client_secret_basic" or "client_secret_post" with "clientSecret"',
    )
  return { clientSecret, privateKey: undefined, authMethod }
}

function isJwk(key: ClientPrivateKey): key is JWK {
  return typeof key === 'object' && 'kty' in key
}

export function jwkD(key: ClientPrivateKey | undefined): string | undefined {
  return key !== undefined && isJwk(key) ? key.d : undefined
}
