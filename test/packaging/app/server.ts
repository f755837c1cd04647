// The consumer app of pack-install.test.ts: copied into an empty folder outside the workspace,
// where it imports the packages npm installed from the packed tarballs. The same file is
// type-checked there (`tsc --noEmit`) and run (its transpiled JavaScript) with node.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAuthenticator, type Principal } from '@m2m-auth/core'
import { authenticate, requireScope } from '@m2m-auth/express'
import express from 'express'

const issuer = process.env.ISSUER
const audience = process.env.AUDIENCE
if (!issuer || !audience) throw new TypeError('set ISSUER and AUDIENCE')

const authenticator = createAuthenticator({ bearer: { issuer, audience } })

const app = express()
app.use(authenticate(authenticator))
app.get('/events', requireScope('event.create'), (req, res) => {
  // req.auth is typed by @m2m-auth/express's declaration merging: no cast, and not `any`.
  const caller: Principal | undefined = req.auth
  // @ts-expect-error a Principal's subject is a string; this line fails to compile if req.auth is any
  const wrong: number | undefined = req.auth?.subject
  void wrong
  res.json({ subject: caller?.subject, scopes: [...(caller?.scopes ?? [])] })
})

const server = createServer(app)
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
process.once('SIGTERM', () => server.close())
