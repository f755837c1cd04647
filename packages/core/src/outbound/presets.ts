/** How a client authenticates at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2, RFC 8705 §2). */
export type AuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth'

/**
 * Where the `audience` option goes in the token request:
 * - `audience`: an `audience` form parameter (Auth0, Ory Hydra, SuperTokens);
 * - `resource`: an RFC 8707 §2 `resource` parameter;
 * - `scope`: a `<audience>/.default` scope (Microsoft Entra ID v2 endpoint);
 * - `none`: the issuer derives the audience itself (Okta, Cognito, Keycloak); setting one is a mistake.
 */
export type AudienceParameter = 'audience' | 'resource' | 'scope' | 'none'

/** A token endpoint that does not speak form-encoded RFC 6749 §4.4: JSON in, JSON out. */
export interface JsonTokenDialect {
  /** Path of the token endpoint below the issuer / API base URL, when it is fixed. */
  readonly path?: string
  /** JSON body field names; `grantType` is sent as `client_credentials` when named. */
  readonly body: {
    readonly clientId: string
    readonly clientSecret: string
    readonly grantType?: string
    readonly audience?: string
    readonly scope?: string
  }
  /** Where the answer keeps the token and its lifetime in seconds (property paths; first found wins). */
  readonly response: {
    readonly accessToken: readonly string[]
    readonly expiresIn: ReadonlyArray<readonly string[]>
  }
}

/** Per-issuer defaults. Every field is data, so a new issuer is a new entry, not new code. */
export interface IssuerPreset {
  readonly authMethod: AuthMethod
  readonly audienceParameter: AudienceParameter
  /** Absent: form-encoded RFC 6749 through openid-client. */
  readonly json?: JsonTokenDialect
  /** The request header that carries the token to APIs; `scheme` prefixes the value. */
  readonly tokenHeader: { readonly name: string; readonly scheme?: string }
}

const BEARER = { name: 'authorization', scheme: 'Bearer' } as const // RFC 6750 §2.1

const rfc6749 = (
  audienceParameter: AudienceParameter,
  authMethod: AuthMethod = 'client_secret_basic',
): IssuerPreset => ({ authMethod, audienceParameter, tokenHeader: BEARER })

export const PRESETS = {
  /** Any RFC 6749 §4.4 issuer; the audience is an RFC 8707 resource indicator. */
  generic: rfc6749('resource'),
  /** Auth0 requires `audience` (the API identifier) and accepts basic or post. */
  auth0: rfc6749('audience', 'client_secret_post'),
  /** Okta custom authorization servers: the audience belongs to the server, scopes pick access. */
  okta: rfc6749('none'),
  /** Entra ID v2: `scope=<app id uri>/.default`, no audience parameter. */
  entra: rfc6749('scope', 'client_secret_post'),
  /** Cognito: scopes are `<resource server id>/<scope>`; the audience is the app client. */
  cognito: rfc6749('none'),
  /** Keycloak: the audience comes from client scopes / audience mappers in the realm. */
  keycloak: rfc6749('none'),
  /** Ory Hydra accepts an `audience` parameter on client credentials requests. */
  hydra: rfc6749('audience'),
  /**
   * SuperTokens OAuth2 provider: RFC 6749 form requests; its own SDK sends the API in an
   * `audience` parameter (supertokens-node `OAuth2Provider.createTokenForClientCredentials`).
   * https://supertokens.com/docs/authentication/m2m/client-credentials
   */
  supertokens: rfc6749('audience'),
  /**
   * LoginRadius M2M: `POST <tenant>.hub.loginradius.com/service/oauth/token` with a JSON body;
   * its documented answer spells the lifetime `expire_in`, as a string.
   */
  loginradius: {
    authMethod: 'client_secret_post',
    audienceParameter: 'audience',
    tokenHeader: BEARER,
    json: {
      path: '/service/oauth/token',
      body: {
        grantType: 'grant_type',
        clientId: 'client_id',
        clientSecret: 'client_secret',
        audience: 'audience',
        scope: 'scope',
      },
      response: { accessToken: ['access_token'], expiresIn: [['expires_in'], ['expire_in']] },
    },
  },
  /** Capillary: `{ key, secret }` in, `{ data: { accessToken, ttlSeconds } }` out, own header. */
  capillary: {
    authMethod: 'client_secret_post',
    audienceParameter: 'none',
    tokenHeader: { name: 'x-cap-api-oauth-token' },
    json: {
      path: '/v3/oauth/token/generate',
      body: { clientId: 'key', clientSecret: 'secret' },
      response: { accessToken: ['data', 'accessToken'], expiresIn: [['data', 'ttlSeconds']] },
    },
  },
} as const satisfies Record<string, IssuerPreset>

export type PresetName = keyof typeof PRESETS
