import {
  createAuthenticator,
  fileTillStore,
  type BasicMode,
  type LegacyAuthEvent,
  type TillStore,
} from '@m2m-auth/core'
import { FRAMEWORKS, listenStock, type Framework, type Listening } from './frameworks.js'

export interface StockServiceOptions {
  framework?: Framework
  /** The OAuth issuer POS gateways (and migrated tills) get their tokens from. */
  issuer: string
  /** This service's audience (resource indicator). */
  audience: string
  /** A till store file written by `m2m-auth tills import`, or any TillStore. */
  tills: string | TillStore
  /** How often a till store file is checked for changes. Default 1000 ms. */
  tillsCheckIntervalMs?: number
  /** Migration stage: allow -> deprecate -> deny. Default `deprecate`. */
  mode?: BasicMode
  /** When Basic will stop working (RFC 8594 Sunset). */
  sunset?: Date
  /** Where operators and vendors read how to move to OAuth (RFC 9745 Link). */
  migrationNotes?: string
  /** Each Basic use: till, store, method, path. Default: one JSON line on stdout. */
  onLegacyAuth?: (event: LegacyAuthEvent) => void
  host?: string
  port?: number
}

/** Starts the stock service; `url` is where it listens. */
export async function startStockService(options: StockServiceOptions): Promise<Listening> {
  const framework = options.framework ?? 'express'
  if (!FRAMEWORKS.includes(framework)) {
    throw new TypeError(`"framework" must be one of ${FRAMEWORKS.join(', ')}`)
  }
  const tills =
    typeof options.tills === 'string'
      ? fileTillStore(options.tills, {
          checkIntervalMs: options.tillsCheckIntervalMs,
          onError: (e) => console.error(`tills: ${e.message}`),
        })
      : options.tills
  const authenticator = createAuthenticator({
    bearer: { issuer: options.issuer, audience: options.audience },
    basic: {
      tills,
      realm: 'pos',
      mode: options.mode ?? 'deprecate',
      deprecation: { sunset: options.sunset, link: options.migrationNotes },
      onLegacyAuth:
        options.onLegacyAuth ??
        ((event) => console.log(JSON.stringify({ msg: 'legacy till auth', ...event }))),
    },
    // A POS gateway with this scope names the till it acts for.
    attribution: { scope: 'pos.attribute', header: 'X-Attribution-Till-Id' },
  })
  return listenStock(framework, authenticator, options.host ?? '127.0.0.1', options.port ?? 0)
}
