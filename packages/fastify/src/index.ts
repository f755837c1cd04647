import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import {
  assertAuthenticator,
  createScopeCheck,
  isAuthError,
  type AuthError,
  type Authenticator,
  type Principal,
  type ScopeMode,
} from '@m2m-auth/core'

/**
 * An onRequest / preHandler hook in Fastify's callback style: when the answer is known now (a
 * reused token, or a fresh one whose key is fetched) it is given synchronously, with no promise
 * and no extra tick; only an answer that waits on I/O goes through a promise.
 */
export type AuthHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
) => void

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, set by `app.authenticate`; null until then. */
    auth: Principal | null
  }
  interface FastifyInstance {
    /** Hook that authenticates the request and sets `request.auth`. */
    authenticate: AuthHook
    /** preHandler that requires every one of the scopes. */
    requireScope(...scopes: string[]): AuthHook
    /** preHandler that requires at least one of the scopes. */
    requireAnyScope(...scopes: string[]): AuthHook
  }
}

export interface M2mAuthOptions {
  authenticator: Authenticator
  /** Let requests without any credentials through with `request.auth` null. */
  optional?: boolean
  /** Reply to auth errors here (default), or throw them to your error handler. */
  handleErrors?: boolean
}

export interface HookOptions {
  optional?: boolean
  handleErrors?: boolean
}

/** A hook that authenticates and sets `request.auth`, usable without the plugin. */
export function authenticate(
  authenticator: Authenticator,
  { optional = false, handleErrors = true }: HookOptions = {},
): AuthHook {
  assertAuthenticator(authenticator)
  return (request, reply, done) => {
    let result
    try {
      result = authenticator.authenticateNow(request.raw, {
        optional,
        response: reply.raw,
        requestUrl: () => `${request.protocol}://${request.host}${request.url}`,
      })
    } catch (error) {
      fail(error as AuthError, reply, handleErrors, done)
      return
    }
    // Known now (a cached or freshly verified token): no promise, no extra tick.
    if (!(result instanceof Promise)) {
      request.auth = result ?? null
      done()
      return
    }
    result.then(
      (principal) => {
        request.auth = principal ?? null
        done()
      },
      (error: AuthError) => fail(error, reply, handleErrors, done),
    )
  }
}

export function requireScope(...scopes: string[]): AuthHook {
  return scopeHook('all', scopes, true)
}

export function requireAnyScope(...scopes: string[]): AuthHook {
  return scopeHook('any', scopes, true)
}

function scopeHook(mode: ScopeMode, scopes: string[], handleErrors: boolean): AuthHook {
  const check = createScopeCheck(mode, scopes)
  return (request, reply, done) => {
    try {
      check(request.auth, request.raw)
    } catch (error) {
      fail(error as AuthError, reply, handleErrors, done)
      return
    }
    done()
  }
}

/** Replies here (a callback hook that replies must not call `done`), or hands over to Fastify. */
function fail(
  error: AuthError,
  reply: FastifyReply,
  handleErrors: boolean,
  done: (error?: Error) => void,
): void {
  if (!handleErrors || !isAuthError(error)) {
    done(error)
    return
  }
  void reply.code(error.status).headers(error.headers).send(error.toJSON())
}

// Registration is synchronous; errors go to `done` so `register()` rejects with them.
const plugin: FastifyPluginCallback<M2mAuthOptions> = (app, options, done) => {
  try {
    const { authenticator, optional = false, handleErrors = true } = options
    const hook = authenticate(authenticator, { optional, handleErrors })
    if (app.hasDecorator('authenticate')) {
      throw new Error(
        '@m2m-auth/fastify is already registered in this context or a parent; use sibling contexts for different authenticators',
      )
    }
    if (!app.hasRequestDecorator('auth')) app.decorateRequest('auth', null)
    app.decorate('authenticate', hook)
    app.decorate('requireScope', (...scopes: string[]) => scopeHook('all', scopes, handleErrors))
    app.decorate('requireAnyScope', (...scopes: string[]) => scopeHook('any', scopes, handleErrors))
    // RFC 9728: served whenever the authenticator has `resourceMetadata` (once per app).
    const metadata = authenticator.resourceMetadata
    if (metadata && !app.hasRoute({ method: 'GET', url: metadata.path }))
      app.get(metadata.path, (_request, reply) => reply.send(metadata.document()))
    done()
  } catch (error) {
    done(error as Error)
  }
}

/** `await app.register(m2mAuth, { authenticator })` */
export const m2mAuth = fp(plugin, { fastify: '5.x', name: '@m2m-auth/fastify' })
export default m2mAuth

export type { Principal } from '@m2m-auth/core'
