import type { AuthRequest } from '../request.js'

/**
 * RFC 9449 §4.3 step 9: `htu` must match the request URI "ignoring any query and fragment
 * parts", compared after RFC 3986 §6.2.2 syntax-based normalisation, so that a client writing
 * `HTTPS://API.example.com:443/a%7eb` and a server seeing `https://api.example.com/a~b` agree.
 * WHATWG URL parsing already lower-cases the scheme and host, drops a default port and removes
 * dot segments; what it leaves is percent-encoding (§6.2.2.1 upper-case hex, §6.2.2.2 decode
 * unreserved characters). Returns undefined when the value is not an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  // RFC 9449 §4.2: htu carries no userinfo either; a proof naming one matches nothing.
  if (url.username !== '' || url.password !== '') return undefined
  return `${url.protocol}//${url.host}${normalizePercent(url.pathname)}`
}

const PERCENT = /%[0-9a-fA-F]{2}/g
// RFC 3986 §2.3 unreserved characters: a percent-encoded one means the character itself.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

function normalizePercent(path: string): string {
  return path.replace(PERCENT, (encoded) => {
    const char = String.fromCharCode(parseInt(encoded.slice(1), 16))
    return UNRESERVED.test(char) ? char : encoded.toUpperCase()
  })
}

/**
 * The URL this request was made to, as the client saw it: the adapter's framework's own answer
 * (which honours its trust-proxy setting), else the caller's `origin` and the request target,
 * else the `Host` header over http. `publicUrl`, when configured, replaces the origin whatever
 * the request says: behind a proxy that rewrites the host or terminates TLS, only the
 * deployment knows the public origin for sure.
 */
export function requestUri(
  request: AuthRequest,
  frameworkUrl: (() => string) | undefined,
  publicUrl: string | undefined,
): string | undefined {
  let url: string | undefined
  if (frameworkUrl !== undefined) {
    url = frameworkUrl()
  } else {
    const target = request.url ?? '/'
    const host = hostHeader(request)
    const origin = request.origin ?? (host === undefined ? undefined : `http://${host}`)
    if (origin !== undefined) url = origin + target
  }
  if (publicUrl === undefined) return url
  // Keep the path (and query, dropped later) from whatever the framework saw.
  const path = url === undefined ? (request.url ?? '/') : pathOf(url)
  return publicUrl + (path.startsWith('/') ? path : `/${path}`)
}

function hostHeader(request: AuthRequest): string | undefined {
  const host = request.headers?.host
  return typeof host === 'string' && host.length > 0 ? host : undefined
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.pathname + parsed.search
  } catch {
    return url
  }
}

/** The `publicUrl` option: an absolute http(s) origin, checked once at construction. */
export function publicUrlOption(value: unknown): string | undefined {
  if (value === undefined) return undefined
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new TypeError('"publicUrl" must be an http(s) origin such as "https://api.example.com"')
  }
  return url.origin
}
