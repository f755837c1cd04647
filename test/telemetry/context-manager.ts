import { AsyncLocalStorage } from 'node:async_hooks'
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api'

/**
 * The active-context propagation `@opentelemetry/context-async-hooks` gives an application, in
 * the few lines Node's AsyncLocalStorage needs (that package is not a dependency here). Without a
 * context manager the API's `context.with` does not make a span active, so `startActiveSpan`
 * callbacks see no active span and "the outcome on the active span" could not be observed.
 */
export class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>()

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(context, () => fn.apply(thisArg, args))
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target
    const run = (...args: unknown[]): unknown =>
      this.with(context, target as (...a: unknown[]) => unknown, undefined, ...args)
    return run as T
  }

  enable(): this {
    return this
  }

  disable(): this {
    this.#storage.disable()
    return this
  }
}
