import type { NextFunction, Request, RequestHandler, Response } from 'express'
import {
  assertAuthenticator,
  createScopeCheck,
  isAuthError,
  type AuthError,
  type Authenticator,
  type Principal,
  type ScopeMode,
} from '@m2m-auth/core'

declare global {
  // Declaration merging is how Express types request extensions.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The authenticated caller, set by `authenticate()`. */
      auth?: Principal
    }
  }
}

export interface ExpressAuthenticateOptions {
  /** Let requests without any credentials through with `req.auth` unset. */
  optional?: boolean
  /** Answer auth errors here (default), or hand them to `next(err)` for your error handler. */
  handleErrors?: boolean
}

// Requests whose authenticate() asked for errors to go to next(err); requireScope follows suit.
const passErrors = new WeakSet<Request>()

/** Authenticates every request it sees and sets `req.auth`. */
export function authenticate(
  authenticator: Authenticator,
  { optional = false, handleErrors = true }: ExpressAuthenticateOptions = {},
): RequestHandler {
  assertAuthenticator(authenticator)
  return (req, res, next) => {
    if (!handleErrors) passErrors.add(req)
    let result
    try {
      result = authenticator.authenticateNow(req, {
        optional,
        response: res,
        requestUrl: () => `${req.protocol}://${req.host}${req.originalUrl}`,
      })
    } catch (error) {
      fail(error as AuthError, req, res, next)
      return
    }
    // Known now (a cached or freshly verified token): no promise, no extra tick.
    if (!(result instanceof Promise)) {
      req.auth = result
      next()
      return
    }
    result.then(
      (principal) => {
        req.auth = principal
        next()
      },
      (error: AuthError) => fail(error, req, res, next),
    )
  }
}

/** Requires every one of the scopes. */
export function requireScope(...scopes: string[]): RequestHandler {
  return scopeHandler('all', scopes)
}

/** Requires at least one of the scopes. */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return scopeHandler('any', scopes)
}

function scopeHandler(mode: ScopeMode, scopes: string[]): RequestHandler {
  const check = createScopeCheck(mode, scopes)
  return (req, res, next) => {
    try {
      check(req.auth, req)
    } catch (error) {
      fail(error as AuthError, req, res, next)
      return
    }
    next()
  }
}

function fail(error: AuthError, req: Request, res: Response, next: NextFunction): void {
  if (passErrors.has(req) || !isAuthError(error) || res.headersSent) {
    next(error)
    return
  }
  res.status(error.status).set(error.headers).json(error.toJSON())
}

/** Serves the authenticator's RFC 9728 protected resource metadata: `app.use(resourceMetadata(a))`. */
export function resourceMetadata(authenticator: Authenticator): RequestHandler {
  const metadata = authenticator?.resourceMetadata
  if (metadata === undefined) throw new TypeError('the authenticator has no "resourceMetadata"')
  return (req, res, next) => {
    if (req.method !== 'GET' || req.path !== metadata.path) return next()
    res.json(metadata.document())
  }
}

export type { Principal } from '@m2m-auth/core'
