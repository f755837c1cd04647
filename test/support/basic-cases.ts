import type { RequestCase } from './cases.js'
import { basicAuth, md5, PASSWORDS, type PosTokens } from './tills.js'

type Outcome = Pick<RequestCase<PosTokens>, 'status' | 'challenge' | 'error' | 'description'>

const BOTH = 'Basic realm="pos", charset="UTF-8"'
/** A 400/401 with an error: the Bearer challenge carries it, the Basic challenge follows. */
const failure = (status: 400 | 401, error: string, description: string): Outcome => ({
  status,
  error,
  description,
  challenge: `Bearer realm="api", error="${error}", error_description="${description}", ${BOTH}`,
})
const invalid = (description: string): Outcome => failure(401, 'invalid_token', description)
const malformed = (description: string): Outcome => failure(400, 'invalid_request', description)
const forbidden = (description: string, scope: string): Outcome => ({
  status: 403,
  error: 'insufficient_scope',
  description,
  challenge: `Bearer realm="api", error="insufficient_scope", error_description="${description}", scope="${scope}"`,
})

export const DEPRECATION = {
  date: new Date('2026-01-01T00:00:00Z'),
  sunset: new Date('2027-06-30T00:00:00Z'),
  link: 'https://pos.example.test/migrating-to-oauth',
}
/** What `deprecate` mode adds to a successful Basic response (RFC 9745, RFC 8594). */
const DEPRECATED = {
  deprecation: `@${DEPRECATION.date.getTime() / 1000}`,
  sunset: 'Wed, 30 Jun 2027 00:00:00 GMT',
  link: `<${DEPRECATION.link}>; rel="deprecation"; type="text/html"`,
}
const NOT_DEPRECATED = { deprecation: undefined, sunset: undefined, link: undefined }

const till = (id: string): Record<string, string> => basicAuth(id, md5(PASSWORDS[id]!))
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
const b64 = (bytes: string | Buffer): string => Buffer.from(bytes).toString('base64')

const principal = (id: string, store: string | null, scopes = ['stock.read']): object => ({
  scheme: 'basic',
  subject: `till:${id}`,
  clientId: null,
  scopes,
  till: store === null ? { id } : { id, store },
})

const WRONG = invalid('the till credentials are invalid')

/**
 * Till Basic and POS gateway cases on GET /stock (stock.read), with the `pos` authenticator in
 * `deprecate` mode and attribution on. Each failing case uses its own till so lockout counts
 * never leak from one case into another.
 */
export const BASIC_CASES: RequestCase<PosTokens>[] = [
  {
    name: 'accepts the right till and MD5 password, with deprecation headers',
    path: '/stock',
    headers: () => till('T-100'),
    status: 200,
    principal: principal('T-100', 'S-1'),
    responseHeaders: DEPRECATED,
  },
  {
    name: 'accepts the lower-case basic scheme and an upper-case MD5 hex',
    path: '/stock',
    headers: () => ({
      authorization: `basic ${b64(`T-101:${md5(PASSWORDS['T-101']!).toUpperCase()}`)}`,
    }),
    status: 200,
    principal: principal('T-101', 'S-1'),
  },
  {
    name: 'accepts a legacy md5: entry (flagged weak, still verified)',
    path: '/stock',
    headers: () => till('T-WEAK'),
    status: 200,
    principal: principal('T-WEAK', null),
    responseHeaders: DEPRECATED,
  },
  {
    name: 'rejects a wrong password with 401 invalid_token',
    path: '/stock',
    headers: () => basicAuth('T-102', md5('not the password')),
    ...WRONG,
  },
  {
    name: 'rejects an unknown till exactly like a wrong password',
    path: '/stock',
    headers: () => basicAuth('T-404', md5('whatever')),
    ...WRONG,
  },
  {
    name: 'rejects the plaintext password instead of its MD5 as invalid credentials',
    path: '/stock',
    headers: () => basicAuth('T-101', PASSWORDS['T-101']!),
    ...WRONG,
  },
  {
    name: 'splits at the first colon: a password containing a colon is just a wrong password',
    path: '/stock',
    headers: () => basicAuth('T-103', `${md5(PASSWORDS['T-103']!)}:extra`),
    ...WRONG,
  },
  {
    name: 'refuses a till lacking the scope with 403 insufficient_scope',
    path: '/stock',
    headers: () => till('T-NOSCOPE'),
    ...forbidden('requires scope stock.read', 'stock.read'),
  },
  {
    name: 'refuses a disabled till (after its secret verified)',
    path: '/stock',
    headers: () => till('T-DISABLED'),
    ...invalid('the till is disabled'),
  },
  {
    name: 'refuses a migrated till over Basic, saying it must use OAuth',
    path: '/stock',
    headers: () => till('T-MIGRATED'),
    ...invalid('this till has migrated to OAuth and must authenticate with a Bearer token'),
  },
  {
    name: 'accepts the migrated till over Bearer with the same principal.till',
    path: '/stock',
    headers: (t) => bearer(t.migratedTill),
    status: 200,
    principal: {
      scheme: 'bearer',
      subject: 'till-T-MIGRATED',
      clientId: 'till-T-MIGRATED',
      scopes: ['stock.read'],
      till: { id: 'T-MIGRATED', store: 'S-2' },
    },
    responseHeaders: NOT_DEPRECATED,
  },
  {
    name: 'challenges a request without credentials with both Bearer and Basic',
    path: '/stock',
    headers: () => ({}),
    status: 401,
    challenge: `Bearer realm="api", ${BOTH}`,
    error: 'unauthorized',
    description: 'authentication is required',
  },
  {
    name: 'rejects Basic credentials that are not base64 with 400',
    path: '/stock',
    headers: () => ({ authorization: 'Basic VC0xMDA6%%%' }),
    ...malformed('the Basic credentials are not valid base64'),
  },
  {
    name: 'rejects Basic credentials without a colon with 400',
    path: '/stock',
    headers: () => ({ authorization: `Basic ${b64('T-100')}` }),
    ...malformed('the Basic credentials have no colon'),
  },
  {
    name: 'rejects Basic credentials with control characters with 400',
    path: '/stock',
    headers: () => ({ authorization: `Basic ${b64('T-100:\u0007abc')}` }),
    ...malformed('the Basic credentials contain control characters'),
  },
  {
    name: 'rejects Basic credentials that are not UTF-8 with 400',
    path: '/stock',
    headers: () => ({ authorization: `Basic ${b64(Buffer.from([0x54, 0x3a, 0xff, 0xfe]))}` }),
    ...malformed('the Basic credentials are not valid UTF-8'),
  },
  {
    name: 'rejects empty Basic credentials with 400',
    path: '/stock',
    headers: () => ({ authorization: 'Basic' }),
    ...malformed('the Basic credentials are empty'),
  },
  {
    name: 'lets a POS gateway with the attribution scope act for a till',
    path: '/stock',
    headers: (t) => ({ ...bearer(t.gateway), 'x-attribution-till-id': 'T-100' }),
    status: 200,
    principal: {
      scheme: 'bearer',
      subject: 'pos-gateway',
      clientId: 'pos-gateway',
      scopes: ['pos.attribute', 'stock.read'],
      till: { id: 'T-100', store: 'S-1' },
    },
    responseHeaders: NOT_DEPRECATED,
  },
  {
    name: 'a gateway token without the header carries no till',
    path: '/stock',
    headers: (t) => bearer(t.gateway),
    status: 200,
    principal: {
      scheme: 'bearer',
      subject: 'pos-gateway',
      clientId: 'pos-gateway',
      scopes: ['pos.attribute', 'stock.read'],
      till: null,
    },
  },
  {
    name: 'refuses the attribution header from a token without the attribution scope (403)',
    path: '/stock',
    headers: (t) => ({ ...bearer(t.reader), 'x-attribution-till-id': 'T-100' }),
    ...forbidden(
      'naming a till in x-attribution-till-id requires scope pos.attribute',
      'pos.attribute',
    ),
  },
  {
    name: 'refuses attribution to an unknown till',
    path: '/stock',
    headers: (t) => ({ ...bearer(t.gateway), 'x-attribution-till-id': 'T-404' }),
    ...malformed('the till named in x-attribution-till-id is unknown or disabled'),
  },
  {
    name: 'refuses attribution to a disabled till',
    path: '/stock',
    headers: (t) => ({ ...bearer(t.gateway), 'x-attribution-till-id': 'T-DISABLED' }),
    ...malformed('the till named in x-attribution-till-id is unknown or disabled'),
  },
]
