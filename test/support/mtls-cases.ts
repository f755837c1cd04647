import type { RawResponse } from './apps.js'
import type { TestCertificate } from './mtls-certs.js'

/** Which authenticator the case runs against (see test/mtls.test.ts). */
export type MtlsApp = 'client-cert' | 'xfcc' | 'none'
export type HeaderSource = Exclude<MtlsApp, 'none'>

export interface MtlsContext {
  /** A token bound to `a`'s certificate (`cnf["x5t#S256"]`). */
  readonly bound: string
  /** The same issuer's token without binding. */
  readonly plain: string
  readonly a: TestCertificate
  readonly b: TestCertificate
  send(headers: Record<string, string | string[]>): Promise<RawResponse>
}

export interface MtlsCase {
  readonly name: string
  run(ctx: MtlsContext, source: HeaderSource): Promise<RawResponse>
  readonly status: number
  /** The exact WWW-Authenticate of a refusal (for the source's header, when a function). */
  readonly challenge?: string | ((source: HeaderSource) => string)
  readonly description?: string
  /** Run against the authenticator without `mtls` instead of the source's own. */
  readonly app?: 'none'
}

/** RFC 9440 §2.2: the DER as a structured-field byte sequence. */
export function clientCertHeader(cert: TestCertificate): string {
  return `:${cert.der.toString('base64')}:`
}

/** Envoy's x-forwarded-client-cert element for a peer certificate (SANITIZE_SET). */
export function xfccHeader(cert: TestCertificate, fields: { cert?: boolean } = {}): string {
  const hash = `Hash=${Buffer.from(cert.thumbprint, 'base64url').toString('hex')}`
  const pem = fields.cert === false ? '' : `;Cert="${encodeURIComponent(cert.cert)}"`
  return `By=spiffe://cluster.local/ns/default/sa/calendar;${hash}${pem};Subject="CN=client"`
}

export const HEADER: Record<HeaderSource, string> = {
  'client-cert': 'client-cert',
  xfcc: 'x-forwarded-client-cert',
}

function present(source: HeaderSource, cert: TestCertificate): string {
  return source === 'xfcc' ? xfccHeader(cert) : clientCertHeader(cert)
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

function refused(description: string): Pick<MtlsCase, 'status' | 'challenge' | 'description'> {
  return {
    status: 401,
    challenge: `Bearer realm="api", error="invalid_token", error_description="${description}"`,
    description,
  }
}

export const MTLS_CASES: readonly MtlsCase[] = [
  {
    name: 'accepts a bound token with the certificate it is bound to',
    run: (ctx, source) =>
      ctx.send({ ...bearer(ctx.bound), [HEADER[source]]: present(source, ctx.a) }),
    status: 200,
  },
  {
    name: "refuses a bound token with another client's certificate (401 invalid_token)",
    run: (ctx, source) =>
      ctx.send({ ...bearer(ctx.bound), [HEADER[source]]: present(source, ctx.b) }),
    ...refused('the token is bound to another client certificate'),
  },
  {
    name: 'refuses a bound token without a certificate (401 invalid_token)',
    run: (ctx) => ctx.send(bearer(ctx.bound)),
    ...refused('no client certificate was presented'),
  },
  {
    name: 'refuses a request carrying the certificate header twice (400 invalid_request)',
    run: (ctx, source) =>
      ctx.send({
        ...bearer(ctx.bound),
        [HEADER[source]]: [present(source, ctx.a), present(source, ctx.a)],
      }),
    status: 400,
    challenge: (source) =>
      `Bearer realm="api", error="invalid_request", error_description="the request carries more than one ${HEADER[source]} header"`,
  },
  {
    name: 'accepts an unbound token with no certificate, as before',
    run: (ctx) => ctx.send(bearer(ctx.plain)),
    status: 200,
  },
  {
    name: 'accepts an unbound token whatever certificate headers come with it',
    run: (ctx, source) =>
      ctx.send({
        ...bearer(ctx.plain),
        [HEADER[source]]: [present(source, ctx.a), present(source, ctx.b)],
      }),
    status: 200,
  },
  {
    name: 'refuses a bound token where mtls is not configured, even with the right certificate',
    app: 'none',
    run: (ctx, source) =>
      ctx.send({ ...bearer(ctx.bound), [HEADER[source]]: present(source, ctx.a) }),
    ...refused(
      'the token is bound to a client certificate (mTLS), which this service does not check',
    ),
  },
]
