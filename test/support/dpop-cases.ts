import { expect } from 'vitest'
import type { RawResponse } from './apps.js'
import {
  hmacProof,
  signProof,
  unsignedProof,
  type ProofClaims,
  type ProofKey,
} from './dpop-proofs.js'

/** Which authenticator the case runs against (see test/dpop.test.ts). */
export type DpopApp = 'dpop' | 'nonce' | 'required' | 'plain'

export interface DpopContext {
  /** The app's base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string
  /** A token oidc-provider bound to `key` (`cnf.jkt`). */
  readonly bound: string
  /** A token from the same issuer without binding. */
  readonly plain: string
  readonly key: ProofKey
  /** Another client's key: a valid proof, but not the key the token is bound to. */
  readonly otherKey: ProofKey
  send(
    path: string,
    init?: { method?: string; headers?: Record<string, string | string[]> },
  ): Promise<RawResponse>
}

export interface DpopCase {
  readonly name: string
  readonly app: DpopApp
  run(ctx: DpopContext): Promise<RawResponse>
  readonly status: number
  /** The exact WWW-Authenticate; absent on success. */
  readonly challenge?: string
  /** error_description of a refusal. */
  readonly description?: string
}

export const ALGS = 'ES256 ES384 EdDSA RS256 PS256'
const BOTH = `Bearer realm="api", DPoP realm="api", algs="${ALGS}"`

/** A refusal of a DPoP request where Bearer is accepted too: the error sits on DPoP (RFC 9449 §7.1). */
function onDpop(error: string, description: string): string {
  return `Bearer realm="api", DPoP realm="api", error="${error}", error_description="${description}", algs="${ALGS}"`
}

/** A refusal of a Bearer request where DPoP is offered too: the error sits on Bearer. */
function onBearer(error: string, description: string): string {
  return `Bearer realm="api", error="${error}", error_description="${description}", DPoP realm="api", algs="${ALGS}"`
}

/** GET /events with the bound token on the DPoP scheme and a proof built from `claims`. */
async function dpopGet(
  ctx: DpopContext,
  claims: Partial<ProofClaims> = {},
  header: Record<string, unknown> = {},
  key: ProofKey = ctx.key,
): Promise<RawResponse> {
  const proof = await signProof(
    key,
    { htm: 'GET', htu: `${ctx.url}/events`, token: ctx.bound, ...claims },
    header,
  )
  return ctx.send('/events', { headers: { authorization: `DPoP ${ctx.bound}`, dpop: proof } })
}

const now = (): number => Math.floor(Date.now() / 1000)

function refused(
  name: string,
  app: DpopApp,
  run: DpopCase['run'],
  error: string,
  description: string,
  { status = 401, challenge = onDpop(error, description) } = {},
): DpopCase {
  return { name, app, run, status, challenge, description }
}

const badProof = (name: string, run: DpopCase['run'], description: string): DpopCase =>
  refused(name, 'dpop', run, 'invalid_dpop_proof', description)

export const DPOP_CASES: readonly DpopCase[] = [
  {
    name: 'accepts a DPoP-bound token with a valid proof',
    app: 'dpop',
    run: (c) => dpopGet(c),
    status: 200,
  },
  {
    name: 'accepts an htu that differs only by RFC 3986 normalisation, ignoring the query',
    app: 'dpop',
    async run(ctx) {
      const htu = `${ctx.url.replace('http://', 'HTTP://')}/%65vents`
      const proof = await signProof(ctx.key, { htm: 'GET', htu, token: ctx.bound })
      return ctx.send('/events?page=2', {
        headers: { authorization: `DPoP ${ctx.bound}`, dpop: proof },
      })
    },
    status: 200,
  },
  {
    name: 'accepts a plain Bearer token exactly as before',
    app: 'dpop',
    run: (ctx) => ctx.send('/events', { headers: { authorization: `Bearer ${ctx.plain}` } }),
    status: 200,
  },
  refused(
    'refuses a DPoP-bound token sent as Bearer (downgrade, RFC 9449 §7.2)',
    'dpop',
    (ctx) => ctx.send('/events', { headers: { authorization: `Bearer ${ctx.bound}` } }),
    'invalid_token',
    'the token is DPoP-bound: send it with the DPoP scheme and a proof',
    {
      challenge: onBearer(
        'invalid_token',
        'the token is DPoP-bound: send it with the DPoP scheme and a proof',
      ),
    },
  ),
  badProof(
    'refuses a replayed proof',
    async (ctx) => {
      const proof = await signProof(ctx.key, {
        htm: 'GET',
        htu: `${ctx.url}/events`,
        token: ctx.bound,
      })
      const headers = { authorization: `DPoP ${ctx.bound}`, dpop: proof }
      expect((await ctx.send('/events', { headers })).status).toBe(200)
      return ctx.send('/events', { headers })
    },
    'the DPoP proof was already used',
  ),
  badProof(
    'refuses a proof for another method (htm)',
    (c) => dpopGet(c, { htm: 'POST' }),
    'the DPoP proof htm does not match',
  ),
  badProof(
    'refuses a proof for another URL (htu)',
    (c) => dpopGet(c, { htu: `${c.url}/other` }),
    'the DPoP proof htu does not match',
  ),
  badProof(
    'refuses a proof for another access token (ath)',
    (c) => dpopGet(c, { token: c.plain }),
    'the DPoP proof ath does not match the access token',
  ),
  refused(
    'refuses a valid proof by a key the token is not bound to',
    'dpop',
    (c) => dpopGet(c, {}, { jwk: c.otherKey.publicJwk }, c.otherKey),
    'invalid_token',
    'the DPoP proof key does not match the token binding',
  ),
  badProof(
    'refuses a stale proof (iat)',
    (c) => dpopGet(c, { iat: now() - 120 }),
    'the DPoP proof is too old',
  ),
  badProof(
    'refuses a proof dated in the future (iat)',
    (c) => dpopGet(c, { iat: now() + 120 }),
    'the DPoP proof iat is in the future',
  ),
  badProof(
    'refuses a proof whose jwk carries the private key',
    (c) => dpopGet(c, {}, { jwk: c.key.privateJwk }),
    'the DPoP proof jwk must be a public key',
  ),
  badProof(
    'refuses an unsigned proof (alg: none)',
    (c) =>
      c.send('/events', {
        headers: {
          authorization: `DPoP ${c.bound}`,
          dpop: unsignedProof(c.key, { htm: 'GET', htu: `${c.url}/events`, token: c.bound }),
        },
      }),
    'the DPoP proof algorithm is not allowed',
  ),
  badProof(
    'refuses a MACed proof (HS256)',
    async (c) =>
      c.send('/events', {
        headers: {
          authorization: `DPoP ${c.bound}`,
          dpop: await hmacProof(c.key, { htm: 'GET', htu: `${c.url}/events`, token: c.bound }),
        },
      }),
    'the DPoP proof algorithm is not allowed',
  ),
  badProof(
    'refuses a proof whose typ is not dpop+jwt',
    (c) => dpopGet(c, {}, { typ: 'JWT' }),
    'the DPoP proof typ must be dpop+jwt, and its claims valid',
  ),
  refused(
    'refuses two DPoP headers with 400 invalid_request',
    'dpop',
    async (c) => {
      const one = await signProof(c.key, { htm: 'GET', htu: `${c.url}/events`, token: c.bound })
      const two = await signProof(c.key, { htm: 'GET', htu: `${c.url}/events`, token: c.bound })
      return c.send('/events', { headers: { authorization: `DPoP ${c.bound}`, dpop: [one, two] } })
    },
    'invalid_request',
    'the request carries more than one DPoP header',
    { status: 400 },
  ),
  badProof(
    'refuses the DPoP scheme without a proof',
    (c) => c.send('/events', { headers: { authorization: `DPoP ${c.bound}` } }),
    'the DPoP scheme needs one DPoP proof header',
  ),
  refused(
    'refuses an unbound token on the DPoP scheme',
    'dpop',
    async (c) => {
      const proof = await signProof(c.key, { htm: 'GET', htu: `${c.url}/events`, token: c.plain })
      return c.send('/events', { headers: { authorization: `DPoP ${c.plain}`, dpop: proof } })
    },
    'invalid_token',
    'the token is not DPoP-bound',
  ),
  {
    name: 'challenges with Bearer and DPoP algs when no credentials are sent',
    app: 'dpop',
    run: (c) => c.send('/events'),
    status: 401,
    challenge: BOTH,
    description: 'authentication is required',
  },
  // Without `dpop` configured: plain bearer as today, bound tokens never without a proof.
  {
    name: 'without dpop configured, accepts a plain Bearer token',
    app: 'plain',
    run: (c) => c.send('/events', { headers: { authorization: `Bearer ${c.plain}` } }),
    status: 200,
  },
  {
    name: 'without dpop configured, refuses a DPoP-bound token sent as Bearer',
    app: 'plain',
    run: (c) => c.send('/events', { headers: { authorization: `Bearer ${c.bound}` } }),
    status: 401,
    challenge:
      'Bearer realm="api", error="invalid_token", error_description="the token is DPoP-bound: send it with the DPoP scheme and a proof"',
    description: 'the token is DPoP-bound: send it with the DPoP scheme and a proof',
  },
  {
    name: 'without dpop configured, refuses the DPoP scheme even with a valid proof',
    app: 'plain',
    run: (c) => dpopGet(c),
    status: 401,
    challenge: 'Bearer realm="api"',
    description: 'this authentication scheme is not accepted here',
  },
  // dpop.required: only bound tokens, and only DPoP is offered.
  {
    name: 'required: refuses an unbound Bearer token',
    app: 'required',
    run: (c) => c.send('/events', { headers: { authorization: `Bearer ${c.plain}` } }),
    status: 401,
    challenge: `DPoP realm="api", error="invalid_token", error_description="this resource accepts DPoP-bound tokens only", algs="${ALGS}"`,
    description: 'this resource accepts DPoP-bound tokens only',
  },
  {
    name: 'required: accepts a bound token with a valid proof',
    app: 'required',
    run: (c) => dpopGet(c),
    status: 200,
  },
  {
    name: 'required: challenges with DPoP alone',
    app: 'required',
    run: (c) => c.send('/events'),
    status: 401,
    challenge: `DPoP realm="api", algs="${ALGS}"`,
    description: 'authentication is required',
  },
  // RFC 9449 §9: server nonces.
  {
    name: 'nonce: a proof without the nonce gets use_dpop_nonce and one; with it, it is accepted',
    app: 'nonce',
    async run(ctx) {
      const first = await dpopGet(ctx)
      expect(first.status).toBe(401)
      expect(first.headers['www-authenticate']).toBe(
        onDpop('use_dpop_nonce', 'the DPoP proof must carry the nonce this server provides'),
      )
      const nonce = first.headers['dpop-nonce']
      expect(nonce).toMatch(/^[\w-]{43}$/)
      return dpopGet(ctx, { nonce: nonce as string })
    },
    status: 200,
  },
  refused(
    'nonce: refuses a proof with a nonce this server never gave',
    'nonce',
    (c) => dpopGet(c, { nonce: 'A'.repeat(43) }),
    'use_dpop_nonce',
    'the DPoP proof must carry the nonce this server provides',
  ),
]
