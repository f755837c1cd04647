import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api'
import type { FetchLike } from '../http/fetch-json.js'
import { METER_NAME } from './metrics.js'

/** What an outbound call is for, on its span (`m2m_auth.operation`). */
export type Operation = 'jwks' | 'discovery' | 'introspection' | 'token_request'

/**
 * Sets the outcome on the span the application has active, if any. Authenticating a request
 * starts no span of its own: a span per request would cost more than the check it measures.
 */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes)
}

/**
 * The fetch seam with an HTTP client span around every call, named and attributed as the
 * OpenTelemetry HTTP client semantic conventions say (`{method}`, `http.request.method`,
 * `server.address`, `server.port`, `url.full`, `http.response.status_code`, `error.type`). The
 * URL is recorded without its query string, which is where a misconfigured issuer might put a
 * credential. With no tracer provider registered the spans are no-ops.
 */
export function tracedFetch(fetch: FetchLike, operation: Operation): FetchLike {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input)
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    const attributes: Attributes = {
      'http.request.method': method,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'url.full': `${url.origin}${url.pathname}`,
      'm2m_auth.operation': operation,
    }
    const tracer = trace.getTracer(METER_NAME)
    return tracer.startActiveSpan(method, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        const response = await fetch(input, init)
        span.setAttribute('http.response.status_code', response.status)
        if (response.status >= 400) {
          span.setAttribute('error.type', String(response.status))
          span.setStatus({ code: SpanStatusCode.ERROR })
        }
        return response
      } catch (error) {
        span.setAttribute('error.type', (error as Error | undefined)?.name ?? 'Error')
        span.setStatus({ code: SpanStatusCode.ERROR })
        throw error
      } finally {
        span.end()
      }
    })
  }
}
