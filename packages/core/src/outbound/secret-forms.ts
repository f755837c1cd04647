/**
 * Every spelling a credential can take on the way to a token endpoint and back in its echo.
 * The redactor matches literal strings, so each spelling has to be listed: a secret is only
 * as redacted as its least-thought-of encoding.
 */

type Encode = (value: string) => string

/** RFC 3986 §2.1 percent-encoding, as `encodeURIComponent` (a query string, a URL). */
const uri: Encode = (value) => encodeURIComponent(value)

/** `application/x-www-form-urlencoded` (WHATWG URL §5.2): how the form body carries it. */
const form: Encode = (value) => new URLSearchParams({ s: value }).toString().slice(2)

/**
 * RFC 6749 Appendix B applied to Basic credentials (§2.3.1) the way oauth4webapi does it:
 * also `-_.!~*'()` percent-encoded, space as `+`.
 */
const oauthForm: Encode = (value) =>
  encodeURIComponent(value).replace(/[-_.!~*'()]|%20/g, (c) =>
    c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )

/** Inside a JSON string (a JSON token request body, RFC 8259 §7). */
const json: Encode = (value) => JSON.stringify(value).slice(1, -1)

/** The encodings a secret travels in: as is, in a URL, a form, Basic credentials, JSON. */
const WIRE: readonly Encode[] = [(value) => value, uri, form, oauthForm, json]

/**
 * What an echo may do to a value once more: escape it into a JSON string (PHP's `\/` for `/`,
 * `\uXXXX` for non-ASCII as PHP and Python do, hex in either case), percent- or form-encode it
 * (hex in either case), or form-decode its `+` into a space.
 */
const ECHO: readonly Encode[] = [
  json,
  (value) => json(value).replace(/\//g, '\\/'),
  (value) => asciiJson(json(value), 'lower'),
  (value) => asciiJson(json(value), 'upper'),
  (value) => asciiJson(json(value).replace(/\//g, '\\/'), 'lower'),
  uri,
  form,
  (value) => value.replace(/\+/g, ' '),
]

/** The secret as it travels (RFC 6749 §2.3.1 form and Basic, JSON bodies), and as echoed. */
export function secretForms(secret: string): string[] {
  return withEchoes(encodeAll(WIRE, secret))
}

/**
 * The `Authorization: Basic` credentials (RFC 7617 §2) carrying `secret` for `clientId`:
 * base64 of `id:secret` raw (UTF-8, and ISO-8859-1 where that differs) and of each encoding
 * RFC 6749 §2.3.1 asks for, each as echoed; also without its `=` padding, so an echo that
 * drops or re-encodes the padding still matches.
 */
export function basicForms(clientId: string, secret: string): string[] {
  const credentials = new Set<string>()
  for (const encode of WIRE.slice(0, 4)) {
    const id = safely(encode, clientId)
    const password = safely(encode, secret)
    if (id === undefined || password === undefined) continue
    for (const b64 of base64(`${id}:${password}`)) {
      credentials.add(b64)
      credentials.add(b64.replace(/=+$/, ''))
    }
  }
  return withEchoes([...credentials])
}

function withEchoes(values: readonly string[]): string[] {
  const out = new Set<string>()
  for (const value of values) {
    out.add(value)
    for (const echoed of encodeAll(ECHO, value)) {
      out.add(echoed)
      if (/%[0-9A-F]{2}/.test(echoed)) out.add(echoed.replace(/%[0-9A-F]{2}/g, lowerHex))
    }
  }
  return [...out]
}

function encodeAll(encodings: readonly Encode[], value: string): string[] {
  return encodings.map((encode) => safely(encode, value)).filter((v) => v !== undefined)
}

/** A lone surrogate cannot be percent-encoded (URIError); no request can carry it that way. */
function safely(encode: Encode, value: string): string | undefined {
  try {
    return encode(value)
  } catch {
    return undefined
  }
}

function base64(text: string): string[] {
  const utf8 = bytesToBase64(new TextEncoder().encode(text))
  // RFC 7617 §2.1: without `charset="UTF-8"` some senders use ISO-8859-1.
  if ([...text].some((c) => c.charCodeAt(0) > 0xff)) return [utf8]
  return [utf8, bytesToBase64(Uint8Array.from(text, (c) => c.charCodeAt(0)))]
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function asciiJson(escaped: string, hexCase: 'lower' | 'upper'): string {
  return escaped.replace(/[\u007f-\uffff]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, '0')
    return `\\u${hexCase === 'lower' ? hex : hex.toUpperCase()}`
  })
}

const lowerHex = (escape: string): string => escape.toLowerCase()
