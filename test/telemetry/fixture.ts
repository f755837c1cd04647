import { afterAll, beforeAll } from 'vitest'
import {
  createAuthenticator,
  memoryTillStore,
  type Authenticator,
  type BasicOptions,
  type Store,
  type TillRecord,
} from '@m2m-auth/core'
import type { AppAuthenticators } from '../support/apps.js'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { startProxy, type FaultProxy } from '../support/proxy.js'
import { POS_CLIENTS, POS_RESOURCES, testTills } from '../support/tills.js'

/** The resource server's own client at the issuer, for RFC 7662 introspection. */
export const CALENDAR = {
  client_id: 'calendar-api',
  client_secret: 'calendar-api-secret-0123456789abcd',
}

export const TASK_SECRET = POS_CLIENTS.find((c) => c.client_id === 'task-service')!.client_secret!

export interface TelemetryFixture {
  readonly issuer: TestIssuer
  /** Authenticators for one app: a fresh set per call, so each adapter starts cold. */
  authenticators(options?: PosOptions): Required<AppAuthenticators>
}

export interface PosOptions {
  basic?: Partial<BasicOptions>
  store?: Store
  logger?: NonNullable<Parameters<typeof createAuthenticator>[0]['logger']>
}

/**
 * A real issuer (JWT tokens with `resource=`, opaque introspectable ones without), an
 * unreachable JWKS for `down`, and the POS tills, for the enclosing suite.
 */
export function useTelemetryFixture(): TelemetryFixture {
  let issuer: TestIssuer | undefined
  let dead: FaultProxy | undefined
  let tills: TillRecord[] = []
  beforeAll(async () => {
    ;[issuer, dead, tills] = await Promise.all([
      startIssuer({
        clients: [...POS_CLIENTS, { ...CALENDAR, scope: 'event.view' }],
        resources: POS_RESOURCES,
        defaultResource: null,
      }),
      startProxy(),
      testTills(),
    ])
    dead.mode = 'down'
  })
  afterAll(async () => {
    await Promise.all([issuer?.close(), dead?.close()])
  })
  return {
    get issuer() {
      return issuer!
    },
    authenticators(options = {}) {
      const bearer = { issuer: issuer!.issuer, audience: DEFAULT_RESOURCE }
      return {
        main: createAuthenticator({
          bearer: {
            ...bearer,
            introspection: {
              clientId: CALENDAR.client_id,
              clientSecret: CALENDAR.client_secret,
              // oidc-provider's opaque client-credentials tokens carry no `aud`.
              requireAudience: false,
            },
          },
          logger: options.logger,
        }),
        down: createAuthenticator({
          bearer: { ...bearer, jwksUri: `${dead!.url}/jwks` },
          logger: options.logger,
        }),
        pos: createAuthenticator({
          bearer,
          basic: {
            tills: memoryTillStore(tills),
            lockout: { maxFailures: 3, windowMs: 60_000, coolDownMs: 60_000 },
            ...options.basic,
          },
          store: options.store,
          logger: options.logger,
        }),
      } satisfies Record<string, Authenticator>
    },
  }
}
