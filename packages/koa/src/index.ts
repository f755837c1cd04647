import type { Middleware } from 'koa'
import {
  assertAuthenticator,
  createScopeCheck,
  type Authenticator,
  type Principal,
  type ScopeMode,
} from '@m2m-auth/core'

declare module 'koa' {
  interface DefaultState {
    /** The authenticated caller, set by `authenticate()`. */
    auth?: Principal
  }
}

export interface KoaAuthenticateOptions {
  /** Let requests without any credentials through with `ctx.state.auth` unset. */
  optional?: boolean
}

/**
 * Authenticates and sets `ctx.state.auth`. Failures are thrown as they are: AuthError
 * carries `status`, `expose` and `headers`, so Koa's own `onerror` (or yours, upstream)
 * renders the right status and `WWW-Authenticate`.
 */
export function authenticate(
  authenticator: Authenticator,
  { optional = false }: KoaAuthenticateOptions = {},
): Middleware {
  assertAuthenticator(authenticator)
  // Not async: when the answer is known now (a cached or freshly verified token) it hands
  // straight on to `next` without a promise of our own. A refusal thrown here is turned into a
  // rejection by Koa's compose, like one thrown from an async middleware.
  return (ctx, next) => {
    const result = authenticator.authenticateNow(ctx.req, {
      optional,
      response: ctx.res,
      requestUrl: () => `${ctx.protocol}://${ctx.host}${ctx.originalUrl}`,
    })
    if (result instanceof Promise) {
      return result.then((principal) => {
        ctx.state.auth = principal
        return next()
      })
    }
    ctx.state.auth = result
    return next() as Promise<void>
  }
}

/** Requires every one of the scopes. */
export function requireScope(...scopes: string[]): Middleware {
  return scopeMiddleware('all', scopes)
}

/** Requires at least one of the scopes. */
export function requireAnyScope(...scopes: string[]): Middleware {
  return scopeMiddleware('any', scopes)
}

function scopeMiddleware(mode: ScopeMode, scopes: string[]): Middleware {
  const check = createScopeCheck(mode, scopes)
  return async (ctx, next) => {
    check(ctx.state.auth, ctx.req)
    await next()
  }
}

/** Serves the authenticator's RFC 9728 protected resource metadata: `app.use(resourceMetadata(a))`. */
export function resourceMetadata(authenticator: Authenticator): Middleware {
  const metadata = authenticator?.resourceMetadata
  if (metadata === undefined) throw new TypeError('the authenticator has no "resourceMetadata"')
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== metadata.path) {
      await next()
      return
    }
    ctx.body = metadata.document()
  }
}

export type { Principal } from '@m2m-auth/core'
