import { startTaskService } from './service.js'

// M2M_AUTH_ISSUER=… M2M_AUTH_AUDIENCE=… M2M_AUTH_CLIENT_ID=… M2M_AUTH_CLIENT_SECRET=…
// CALENDAR_URL=http://127.0.0.1:4001 tsx src/main.ts
const env = (name: string): string => {
  const value = process.env[name]
  if (!value) {
    process.stderr.write(`task-service: set ${name}\n`)
    process.exit(2)
  }
  return value
}

const service = await startTaskService({
  issuer: env('M2M_AUTH_ISSUER'),
  audience: env('M2M_AUTH_AUDIENCE'),
  clientId: env('M2M_AUTH_CLIENT_ID'),
  clientSecret: env('M2M_AUTH_CLIENT_SECRET'),
  scope: process.env.M2M_AUTH_SCOPE,
  calendarUrl: env('CALENDAR_URL'),
  framework: process.env.FRAMEWORK,
  port: Number(process.env.PORT ?? 4002),
})
process.stdout.write(`task-service (${service.framework}) listening on ${service.url}\n`)
