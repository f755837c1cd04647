import { createTokenClient, type AccessToken } from '@m2m-auth/core'
import type { ClientName } from './clients.js'
import type { World } from './world.js'

/** A fresh client-credentials token for one of the demo's clients (RFC 6749 §4.4). */
export function tokenFor(world: World, name: ClientName, audience: string): Promise<AccessToken> {
  const client = world.clients[name]
  return createTokenClient({
    issuer: world.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scope: client.scope,
    audience,
    // One-shot clients: take the token as issued, even one that lives a single second.
    expiryLeewayMs: 0,
  }).getAccessToken()
}

/** Tokens the scenario holds across steps (the reporting token is reused once it has expired). */
export interface Held {
  reporting?: AccessToken
}
