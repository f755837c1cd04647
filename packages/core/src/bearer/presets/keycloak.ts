import type { IssuerPreset } from './types.js'

/**
 * Keycloak: `aud` is often absent unless an audience mapper is configured; the requesting
 * client is in `azp`, so a client id listed in `audience` is accepted from `azp` too.
 * `scope` is a space-delimited string. Keycloak types each token in the payload: `typ` is
 * `Bearer` for access tokens, `ID` for ID tokens (meant for the client, so accepted by `azp`
 * otherwise), `Refresh`, `Offline` or `Logout` for the rest; only `Bearer` is accepted.
 * `nonce` is not a marker here: Keycloak copied it into access tokens before release 18.
 * https://www.keycloak.org/docs/latest/server_admin/#_audience
 */
export const keycloak: IssuerPreset = Object.freeze({
  name: 'keycloak',
  // Scopes: `scope`, space-delimited, filled from the client scopes. Realm and client roles sit
  // in nested `realm_access` / `resource_access` objects: not scopes, never read as such.
  // https://www.keycloak.org/docs/latest/server_admin/#_client_scopes
  scopeClaims: Object.freeze(['scope']),
  audienceClaims: Object.freeze(['aud', 'azp']),
  requiredClaims: Object.freeze({ typ: 'Bearer' }),
})
