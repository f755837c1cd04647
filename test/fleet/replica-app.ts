import { createHash } from 'node:crypto'
import express, { type Express } from 'express'
import { isTokenRequestError, type Authenticator, type TokenClient } from '@m2m-auth/core'
import { authenticate, requireScope } from '@m2m-auth/express'

export interface ReplicaParts {
  readonly authenticator: Authenticator
  readonly tokens: TokenClient
  /** Whether the replica's Redis connection is up. */
  readonly redisUp: () => boolean
  readonly log: (line: string) => void
}

const MAX_CONCURRENT_TOKENS = 500

/**
 * The service every replica runs: one protected route, one that exercises the outbound token
 * client (`GET /tokens?n=50[&fresh=1]`: n concurrent getToken()), and a readiness probe. Answers never carry a token: /tokens reports how many
 * distinct tokens it got and a SHA-256 fingerprint, enough to compare replicas.
 */
export function replicaApp({ authenticator, tokens, redisUp, log }: ReplicaParts): Express {
  const app = express()
  app.get('/ready', (_req, res) => {
    res.json({ ready: true, redis: redisUp() })
  })
  app.get('/stock', authenticate(authenticator), requireScope('stock.read'), (req, res) => {
    res.json({ subject: req.auth?.subject })
  })
  // Any valid caller: the DPoP fleet test's issuer grants event.* scopes, not stock.read.
  app.get('/whoami', authenticate(authenticator), (req, res) => {
    res.json({ clientId: req.auth?.clientId ?? null })
  })
  app.get('/tokens', (req, res) => {
    const n = Number(req.query.n ?? 1)
    if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENT_TOKENS) {
      res.status(400).json({ error: 'invalid_request', error_description: `n: 1..500` })
      return
    }
    // `fresh=1`: drop this replica's cached token first, so the burst needs a new one.
    if (req.query.fresh === '1') tokens.invalidate()
    Promise.all(Array.from({ length: n }, () => tokens.getToken())).then(
      (got) => {
        const distinct = new Set(got)
        res.json({ distinct: distinct.size, fingerprints: [...distinct].map(fingerprint) })
      },
      (error: unknown) => {
        const code = isTokenRequestError(error) ? error.code : 'ERR_UNEXPECTED'
        log(`getToken failed: ${code}`)
        res.status(503).json({ error: 'temporarily_unavailable', error_description: code })
      },
    )
  })
  return app
}

function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}
