import { malformed } from '../request.js'

/** A till's Basic credentials: the user-id is the till id, the password the MD5 hex. */
export interface BasicCredentials {
  readonly tillId: string
  readonly password: string
}

// RFC 7617 §2: token68 carrying standard base64 (RFC 4648 §4), padded to a multiple of 4.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
// RFC 7617 §2: user-id and password must not contain control characters (CTL, RFC 5234).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/
// RFC 7617 §2.1: with charset="UTF-8" the octets must be valid UTF-8; fatal rejects the rest.
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Longest credentials we decode; a till id and an MD5 hex fit many times over. */
export const MAX_BASIC_LENGTH = 1024

/**
 * Parses the `Basic` credentials of RFC 7617 §2: base64 of `user-id ":" password`, split at
 * the FIRST colon only (a password may contain colons, a user-id may not). Malformed values
 * are 400 `invalid_request`; whether the password is a valid MD5 hex is for the verifier.
 */
export function parseBasicCredentials(value: string): BasicCredentials {
  if (value.length === 0) throw malformed('the Basic credentials are empty')
  if (value.length > MAX_BASIC_LENGTH) throw malformed('the Basic credentials are too long')
  if (!BASE64.test(value)) throw malformed('the Basic credentials are not valid base64')
  let decoded: string
  try {
    decoded = UTF8.decode(Buffer.from(value, 'base64'))
  } catch {
    throw malformed('the Basic credentials are not valid UTF-8')
  }
  const colon = decoded.indexOf(':')
  if (colon === -1) throw malformed('the Basic credentials have no colon')
  const tillId = decoded.slice(0, colon)
  const password = decoded.slice(colon + 1)
  if (tillId.length === 0) throw malformed('the Basic user-id is empty')
  if (CONTROL.test(decoded)) throw malformed('the Basic credentials contain control characters')
  return { tillId, password }
}
