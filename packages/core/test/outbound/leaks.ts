import { inspect } from 'node:util'
import { expect } from 'vitest'
import { logHooks, type TokenClientHooks } from '@m2m-auth/core'
import { findLeak } from '../../../../test/support/leaks.js'

/**
 * The forms a credential takes on the wire and in an issuer's echo of it, computed here
 * independently of the redactor, so a test fails when the redactor forgets one.
 */

/** RFC 6749 Appendix B as oauth4webapi applies it to Basic credentials (RFC 6749 §2.3.1). */
export function oauthFormEncode(value: string): string {
  return encodeURIComponent(value).replace(/[-_.!~*'()]|%20/g, (c) =>
    c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

const formEncode = (value: string): string => new URLSearchParams({ s: value }).toString().slice(2)
const jsonEscape = (value: string): string => JSON.stringify(value).slice(1, -1)
const utf8Base64 = (value: string): string =>
  Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '')

/** How a secret travels: as is, URL- or form-encoded (also as oauth4webapi does), in JSON. */
export function wireForms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    formEncode(secret),
    oauthFormEncode(secret),
    jsonEscape(secret),
  ]
}

/** `Authorization: Basic` credentials (RFC 7617 §2), unpadded so a stripped `=` still counts. */
export function basicForms(clientId: string, secret: string): string[] {
  return [
    utf8Base64(`${clientId}:${secret}`),
    utf8Base64(`${oauthFormEncode(clientId)}:${oauthFormEncode(secret)}`),
  ]
}

/** What an echo can turn a value into: JSON-escaped (also with `\/`), URL- or form-encoded. */
export function echoForms(value: string): string[] {
  return [
    value,
    jsonEscape(value),
    jsonEscape(value).replace(/\//g, '\\/'),
    encodeURIComponent(value),
    formEncode(value),
  ]
}

/** Every form of `secret` that must never be let out; with `clientId`, its Basic forms too. */
export function leakForms(secret: string, clientId?: string): string[] {
  const bases = [
    ...wireForms(secret),
    ...(clientId === undefined ? [] : basicForms(clientId, secret)),
  ]
  return [...new Set(bases.flatMap(echoForms))]
}

/** Asserts that no text holds any form of any secret, nor anything shaped like a JWT. */
export function expectClean(
  texts: readonly string[],
  secrets: readonly string[],
  clientId?: string,
): void {
  expect(texts.length).toBeGreaterThan(0)
  const forms = secrets.flatMap((secret) => leakForms(secret, clientId))
  for (const text of texts) {
    for (const form of forms) expect(text).not.toContain(form)
    expect(findLeak(text, []), text).toBeUndefined()
  }
}

/** Every text the client lets out: hook payloads, log lines, errors (deeply inspected). */
export function sink() {
  const texts: string[] = []
  const lines: string[] = []
  const record = (name: string) => (event: unknown) =>
    texts.push(`${name} ${JSON.stringify(event)}`)
  const raw: TokenClientHooks = {
    tokenFetched: record('tokenFetched'),
    cacheHit: record('cacheHit'),
    retry: record('retry'),
    refreshFailed: record('refreshFailed'),
    requestFailed: record('requestFailed'),
  }
  const log = logHooks((line) => lines.push(line))
  const hooks: TokenClientHooks = Object.fromEntries(
    Object.keys(raw).map((name) => [
      name,
      (event: never) => {
        raw[name as keyof TokenClientHooks]!(event)
        log[name as keyof TokenClientHooks]!(event)
      },
    ]),
  )
  const caught = async (promise: Promise<unknown>): Promise<unknown> => {
    const error = await promise.then(
      () => {
        throw new Error('expected a failure')
      },
      (e: unknown) => e,
    )
    texts.push(String(error), inspect(error, { depth: 10 }), JSON.stringify(error))
    for (let e = (error as Error).cause; e !== undefined; e = (e as Error).cause)
      texts.push(inspect(e, { depth: 10 }))
    return error
  }
  return { hooks, texts, lines, caught, all: () => [...texts, ...lines] }
}
