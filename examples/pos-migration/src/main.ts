import type { BasicMode } from '@m2m-auth/core'
import type { Framework } from './frameworks.js'
import { startStockService } from './stock-service.js'

// Configuration from the environment, so the same file runs in every migration stage.
const env = process.env
const required = (name: string): string => {
  const value = env[name]
  if (!value) {
    console.error(`set ${name} (see README.md)`)
    process.exit(2)
  }
  return value
}

const service = await startStockService({
  framework: (env.FRAMEWORK ?? 'express') as Framework,
  issuer: required('M2M_AUTH_ISSUER'),
  audience: required('M2M_AUTH_AUDIENCE'),
  tills: required('TILLS_FILE'),
  mode: (env.BASIC_MODE ?? 'deprecate') as BasicMode,
  sunset: env.SUNSET ? new Date(env.SUNSET) : undefined,
  migrationNotes: env.MIGRATION_NOTES_URL,
  port: Number(env.PORT ?? 3000),
})
console.log(`stock service (${env.FRAMEWORK ?? 'express'}) listening on ${service.url}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void service.close().then(() => process.exit(0)))
}
