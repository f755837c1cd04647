import { FRAMEWORKS, startCalendarService, type Framework } from './service.js'

// `FRAMEWORK=koa M2M_AUTH_ISSUER=… M2M_AUTH_AUDIENCE=… tsx src/main.ts`
const env = (name: string): string => {
  const value = process.env[name]
  if (!value) {
    process.stderr.write(`calendar-service: set ${name}\n`)
    process.exit(2)
  }
  return value
}

const framework = (process.env.FRAMEWORK ?? 'express') as Framework
if (!FRAMEWORKS.includes(framework)) {
  process.stderr.write(`calendar-service: FRAMEWORK must be one of ${FRAMEWORKS.join(', ')}\n`)
  process.exit(2)
}
const service = await startCalendarService({
  issuer: env('M2M_AUTH_ISSUER'),
  audience: env('M2M_AUTH_AUDIENCE'),
  framework,
  port: Number(process.env.PORT ?? 4001),
})
process.stdout.write(`calendar-service (${service.framework}) listening on ${service.url}\n`)
