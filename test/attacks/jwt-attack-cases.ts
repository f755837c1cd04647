import { createPrivateKey, type KeyObject } from 'node:crypto'
import { SignJWT } from 'jose'
import type { TestKey } from '../support/keys.js'
import {
  attackerCertificate,
  hmacToken,
  psychicSignatures,
  publicKeyAsSecrets,
  rsaToken,
  signingInput,
  withSignature,
} from '../support/forge.js'

/** Which authenticator a case runs against (see jwt-attacks.test.ts). */
export type Target = 'main' | 'hmac' | 'ec'

/** What the cases are built from, once the issuers and the attacker's servers are up. */
export interface AttackContext {
  /** Claims that are right in every way for `target`: iss, aud, sub, scope, iat, exp. */
  claims(target: Target): Record<string, unknown>
  /** A genuine token from the issuer (RS256, the issuer's kid). */
  issued: string
  issuerKey: TestKey
  attacker: TestKey
  /** Loopback URLs the attacker controls; no verifier may ever fetch them. */
  attackerJwksUrl: string
  attackerCertUrl: string
  ecKeys: Record<'ES256' | 'ES384' | 'ES512', TestKey>
  hmacSecret: string
}

export interface Attack {
  name: string
  target: Target
  forge(ctx: AttackContext): string
  /** The same claims and header shape, honestly signed: must be accepted (200). */
  control(ctx: AttackContext): Promise<string>
  /** The `error_description` that says why: the attack's own defence, not a claim check. */
  description: string
}

const NOT_ALLOWED = 'the token algorithm is not allowed'
const BAD_SIGNATURE = 'the token signature is invalid'
const UNKNOWN_KEY = 'the token was signed with an unknown key'
const NOT_A_JWT = 'the token is not a JWT'

const privateKey = (key: TestKey): KeyObject =>
  createPrivateKey({ key: key.privateJwk as never, format: 'jwk' })

/** The issuer's own RS256 signature over these claims: the control for RS256 cases. */
const issuerSigned = (ctx: AttackContext, target: Target = 'main'): Promise<string> =>
  Promise.resolve(
    rsaToken(
      { alg: 'RS256', typ: 'at+jwt', kid: ctx.issuerKey.kid },
      ctx.claims(target),
      privateKey(ctx.issuerKey),
    ),
  )
/** HS256 with the configured shared secret: the control for HS256 cases on `hmac`. */
const sharedSecretSigned =
  (kid?: string) =>
  (ctx: AttackContext): Promise<string> =>
    Promise.resolve(
      hmacToken({ alg: 'HS256', typ: 'at+jwt', kid }, ctx.claims('hmac'), ctx.hmacSecret),
    )

const payloadOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
const signatureOf = (token: string): Buffer => Buffer.from(token.split('.')[2]!, 'base64url')

const WEAK_SECRETS = ['secret', 'secret1', 'your-256-bit-secret', 'changeme']
const TRAVERSALS: Array<[kid: string, key: Buffer]> = [
  ['../../../../../../../dev/null', Buffer.alloc(0)],
  ['../../../../../../../dev/null', Buffer.from([0])], // PortSwigger's k = "AA=="
  ['/dev/null', Buffer.alloc(0)],
  ['', Buffer.alloc(0)],
]
const SQLISH: Array<[kid: string, key: string]> = [
  ["' UNION SELECT 'attacker' -- ", 'attacker'],
  ["x' OR '1'='1", ''],
  ['1; DROP TABLE keys', 'attacker'],
]

export const ATTACKS: Attack[] = [
  // --- unverified signature (PortSwigger lab 1) ---------------------------------------------
  {
    name: 'unverified signature: escalated scope under the issuer signature',
    target: 'main',
    description: BAD_SIGNATURE,
    forge: (ctx) => {
      const header = JSON.parse(
        Buffer.from(ctx.issued.split('.')[0]!, 'base64url').toString(),
      ) as object
      const claims = { ...payloadOf(ctx.issued), scope: 'event.create event.view event.admin' }
      return withSignature(header, claims, signatureOf(ctx.issued))
    },
    control: (ctx) => Promise.resolve(ctx.issued),
  },
  {
    name: 'unverified signature: another subject under the issuer signature',
    target: 'main',
    description: BAD_SIGNATURE,
    forge: (ctx) => {
      const header = JSON.parse(
        Buffer.from(ctx.issued.split('.')[0]!, 'base64url').toString(),
      ) as object
      return withSignature(
        header,
        { ...payloadOf(ctx.issued), sub: 'administrator' },
        signatureOf(ctx.issued),
      )
    },
    control: (ctx) => Promise.resolve(ctx.issued),
  },
  {
    name: 'unverified signature: the signature stripped',
    target: 'main',
    description: NOT_A_JWT,
    forge: (ctx) => `${ctx.issued.slice(0, ctx.issued.lastIndexOf('.'))}.`,
    control: (ctx) => Promise.resolve(ctx.issued),
  },
  // --- alg none, every case variant, with and without a signature (lab 2) ------------------
  ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg): Attack[] => [
    {
      name: `alg "${alg}" with an empty signature`,
      target: 'main',
      description: NOT_A_JWT,
      forge: (ctx) =>
        `${signingInput({ alg, typ: 'at+jwt', kid: ctx.issuerKey.kid }, ctx.claims('main'))}.`,
      control: (ctx) => issuerSigned(ctx),
    },
    {
      name: `alg "${alg}" keeping the issuer's signature`,
      target: 'main',
      description: NOT_ALLOWED,
      forge: (ctx) =>
        withSignature(
          { alg, typ: 'at+jwt', kid: ctx.issuerKey.kid },
          payloadOf(ctx.issued),
          signatureOf(ctx.issued),
        ),
      control: (ctx) => Promise.resolve(ctx.issued),
    },
  ]),
  // --- weak HMAC secret (lab 3): refused by the allowlist, and by the real secret ------------
  ...WEAK_SECRETS.map((secret): Attack => ({
    name: `HS256 signed with the guessable secret "${secret}"`,
    target: 'main',
    description: NOT_ALLOWED,
    forge: (ctx) =>
      hmacToken(
        { alg: 'HS256', typ: 'at+jwt', kid: ctx.issuerKey.kid },
        ctx.claims('main'),
        secret,
      ),
    control: (ctx) => issuerSigned(ctx),
  })),
  {
    name: 'HS256 signed with a guessable secret where HS256 is allowed with a strong one',
    target: 'hmac',
    description: BAD_SIGNATURE,
    forge: (ctx) => hmacToken({ alg: 'HS256', typ: 'at+jwt' }, ctx.claims('hmac'), 'secret1'),
    control: sharedSecretSigned(),
  },
  // --- jwk header injection (lab 4) ---------------------------------------------------------
  {
    name: "jwk header injection: the attacker's key embedded, with its own kid",
    target: 'main',
    description: UNKNOWN_KEY,
    forge: (ctx) =>
      rsaToken(
        { alg: 'RS256', typ: 'at+jwt', kid: ctx.attacker.kid, jwk: ctx.attacker.publicJwk },
        ctx.claims('main'),
        privateKey(ctx.attacker),
      ),
    control: (ctx) => issuerSigned(ctx),
  },
  {
    name: "jwk header injection: the attacker's key embedded under the issuer's kid",
    target: 'main',
    description: BAD_SIGNATURE,
    forge: (ctx) =>
      rsaToken(
        {
          alg: 'RS256',
          typ: 'at+jwt',
          kid: ctx.issuerKey.kid,
          jwk: { ...ctx.attacker.publicJwk, kid: ctx.issuerKey.kid },
        },
        ctx.claims('main'),
        privateKey(ctx.attacker),
      ),
    control: (ctx) => issuerSigned(ctx),
  },
  // --- jku injection (lab 5) ----------------------------------------------------------------
  {
    name: 'jku injection: the key set at an attacker URL',
    target: 'main',
    description: UNKNOWN_KEY,
    forge: (ctx) =>
      rsaToken(
        { alg: 'RS256', typ: 'at+jwt', kid: ctx.attacker.kid, jku: ctx.attackerJwksUrl },
        ctx.claims('main'),
        privateKey(ctx.attacker),
      ),
    control: (ctx) => issuerSigned(ctx),
  },
  {
    name: "jku injection under the issuer's kid",
    target: 'main',
    description: BAD_SIGNATURE,
    forge: (ctx) =>
      rsaToken(
        { alg: 'RS256', typ: 'at+jwt', kid: ctx.issuerKey.kid, jku: ctx.attackerJwksUrl },
        ctx.claims('main'),
        privateKey(ctx.attacker),
      ),
    control: (ctx) => issuerSigned(ctx),
  },
  // --- x5u / x5c injection --------------------------------------------------------------------
  {
    name: 'x5u injection: a self-signed certificate at an attacker URL',
    target: 'main',
    description: BAD_SIGNATURE,
    forge: (ctx) =>
      rsaToken(
        { alg: 'RS256', typ: 'at+jwt', kid: ctx.issuerKey.kid, x5u: ctx.attackerCertUrl },
        ctx.claims('main'),
        attackerCertificate().key,
      ),
    control: (ctx) => issuerSigned(ctx),
  },
  {
    name: 'x5c injection: a self-signed certificate chain in the header, no kid',
    target: 'main',
    // With no kid and one key in the issuer's set, that key is used: and it does not verify.
    description: BAD_SIGNATURE,
    forge: (ctx) =>
      rsaToken(
        { alg: 'RS256', typ: 'at+jwt', x5c: [attackerCertificate().der] },
        ctx.claims('main'),
        attackerCertificate().key,
      ),
    control: (ctx) => issuerSigned(ctx),
  },
  {
    name: "x5c injection under the issuer's kid",
    target: 'main',
    description: BAD_SIGNATURE,
    forge: (ctx) =>
      rsaToken(
        { alg: 'RS256', typ: 'at+jwt', kid: ctx.issuerKey.kid, x5c: [attackerCertificate().der] },
        ctx.claims('main'),
        attackerCertificate().key,
      ),
    control: (ctx) => issuerSigned(ctx),
  },
  // --- kid path traversal and SQL-ish kids (lab 6) ------------------------------------------
  ...TRAVERSALS.flatMap(([kid, key]): Attack[] => [
    {
      name: `kid ${JSON.stringify(kid)}, HS256 with a ${key.length}-byte key`,
      target: 'main',
      description: NOT_ALLOWED,
      forge: (ctx) => hmacToken({ alg: 'HS256', typ: 'at+jwt', kid }, ctx.claims('main'), key),
      control: (ctx) => issuerSigned(ctx),
    },
    {
      name: `kid ${JSON.stringify(kid)}, HS256 with a ${key.length}-byte key where HS256 is allowed`,
      target: 'hmac',
      description: BAD_SIGNATURE,
      forge: (ctx) => hmacToken({ alg: 'HS256', typ: 'at+jwt', kid }, ctx.claims('hmac'), key),
      control: sharedSecretSigned(kid),
    },
  ]),
  ...SQLISH.flatMap(([kid, key]): Attack[] => [
    {
      name: `kid ${JSON.stringify(kid)}, HS256 keyed with what the query would return`,
      target: 'hmac',
      description: BAD_SIGNATURE,
      forge: (ctx) => hmacToken({ alg: 'HS256', typ: 'at+jwt', kid }, ctx.claims('hmac'), key),
      control: sharedSecretSigned(kid),
    },
    {
      name: `kid ${JSON.stringify(kid)}, RS256 with the attacker's key`,
      target: 'main',
      description: UNKNOWN_KEY,
      forge: (ctx) =>
        rsaToken(
          { alg: 'RS256', typ: 'at+jwt', kid },
          ctx.claims('main'),
          privateKey(ctx.attacker),
        ),
      control: (ctx) => issuerSigned(ctx),
    },
  ]),
  // --- algorithm confusion (labs 7 and 8): the issuer's public key as an HMAC secret --------
  ...(['main', 'hmac'] as const).flatMap((target) =>
    [
      'X.509 PEM',
      'X.509 PEM without the final newline',
      'PKCS#1 PEM',
      'PKCS#1 PEM without the final newline',
      'X.509 DER',
      'the JWK as JSON',
      'the JWK modulus bytes',
    ].map((form): Attack => ({
      name: `algorithm confusion: HS256 keyed with the issuer's public key as ${form}${target === 'hmac' ? ' where HS256 is allowed' : ''}`,
      target,
      description: target === 'main' ? NOT_ALLOWED : BAD_SIGNATURE,
      forge: (ctx) => {
        const secret = publicKeyAsSecrets(ctx.issuerKey.publicJwk).find(([f]) => f === form)![1]
        return hmacToken(
          { alg: 'HS256', typ: 'at+jwt', kid: ctx.issuerKey.kid },
          ctx.claims(target),
          secret,
        )
      },
      control: target === 'main' ? (ctx) => issuerSigned(ctx) : sharedSecretSigned(),
    })),
  ),
  // --- CVE-2022-21449, psychic signatures ---------------------------------------------------
  ...(['ES256', 'ES384', 'ES512'] as const).flatMap((alg) =>
    psychicSignatures({ ES256: 32, ES384: 48, ES512: 66 }[alg]).map(
      ([form, signature]): Attack => ({
        name: `psychic signature (CVE-2022-21449): ${alg}, ${form}`,
        target: 'ec',
        description: form === 'empty' ? NOT_A_JWT : BAD_SIGNATURE,
        forge: (ctx) =>
          withSignature(
            { alg, typ: 'at+jwt', kid: ctx.ecKeys[alg].kid },
            ctx.claims('ec'),
            signature,
          ),
        control: (ctx) =>
          new SignJWT(ctx.claims('ec'))
            .setProtectedHeader({ alg, typ: 'at+jwt', kid: ctx.ecKeys[alg].kid })
            .sign(ctx.ecKeys[alg].privateKey),
      }),
    ),
  ),
]

/** The claims a token carries, undecoded by any verifier. */
export const claimsOf = payloadOf
