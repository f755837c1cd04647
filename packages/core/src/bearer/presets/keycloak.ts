import type { IssuerPreset } from './types.js'

/**
 * Keycloak: `aud` is often absent unless an audience mapper is configured; the requesting
 * client is in `azp`, so a client id listed in `audience` is accepted from `azp` too.
 * `scope` is a space-delimited string.
 * https://www.keycloak.org/docs/latest/server_admin/#_audience
 */
export const keycloak: IssuerPreset = Object.freeze({
  name: 'keycloak',
  scopeClaims: Object.freeze(['scope']),
  audienceClaims: Object.freeze(['aud', 'azp']),
  requiredClaims: Object.freeze({}),
})
