/**
 * One replica of a fleet service, as a real process: the fleet tests start several of these
 * over one Redis (test/support/replicas.ts). Configured by environment (replica-config.ts);
 * prints `{"port":N}` as one line on stdout once it listens on 127.0.0.1, exits 0 on SIGTERM.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.test.json node --import tsx test/fleet/replica.ts
 *
 * TSX_TSCONFIG_PATH makes tsx resolve `@m2m-auth/*` to each package's src (tsconfig.test.json
 * `paths`), as vitest does; without it the adapters would load core's built dist instead.
 * An unhandled rejection or uncaught exception is written as one `FATAL` line on stderr and
 * ends the process: the tests look for both.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAuthenticator, createTokenClient, fileTillStore } from '@m2m-auth/core'
import { redisStore } from '@m2m-auth/redis'
import { replicaConfigFromEnv, type ReplicaConfig } from './replica-config.js'
import { replicaApp } from './replica-app.js'
import { connectRedis, type RedisConnection } from './redis-connection.js'

const log = (line: string): void => void process.stderr.write(`${line}\n`)

for (const kind of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(kind, (reason: unknown) => {
    log(`FATAL ${kind}: ${reason instanceof Error ? reason.stack : String(reason)}`)
    process.exit(70)
  })
}

const config = replicaConfigFromEnv(process.env)
const redis = await connectRedis(config.redis, log)
const server = createServer(replicaApp(services(config, redis)))
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
process.once('SIGTERM', () => void shutdown(server, redis))
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)

function services(config: ReplicaConfig, redis: RedisConnection): Parameters<typeof replicaApp>[0] {
  const store = redisStore(redis.client, { prefix: config.keyPrefix })
  const authenticator = createAuthenticator({
    bearer: {
      issuer: config.issuer,
      audience: config.audience,
      introspection: {
        ...config.introspection,
        // oidc-provider's opaque client-credentials tokens carry no `aud` (DESIGN.md).
        requireAudience: false,
      },
      ...(config.dpop && { dpop: {} }),
    },
    ...(config.dpop && { publicUrl: config.dpop.publicUrl }),
    basic: {
      tills: fileTillStore(config.tillsFile),
      lockout: { maxFailures: config.maxFailures },
    },
    store,
    onStoreFallback: (event) => log(`store ${event.state} (${event.operation})`),
  })
  const tokens = createTokenClient({
    issuer: config.issuer,
    ...config.outbound,
    scope: config.outboundScope,
    resource: config.audience,
    // One token request per (endpoint, client, scopes, resource) for the whole fleet.
    store,
    onStoreFallback: (event) => log(`token store ${event.state} (${event.operation})`),
  })
  return { authenticator, tokens, redisUp: () => redis.isUp(), log }
}

async function shutdown(server: Server, redis: RedisConnection): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  redis.destroy()
  process.exit(0)
}
