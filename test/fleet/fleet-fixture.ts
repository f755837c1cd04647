import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { DEFAULT_RESOURCE, startIssuer, type TestIssuer } from '../support/issuer.js'
import { POS_CLIENTS, POS_RESOURCES, testTills } from '../support/tills.js'

/** The client every replica asks for outbound tokens as. */
export const OUTBOUND = {
  client_id: 'stock-sync',
  client_secret: 'stock-sync-secret-0123456789abcdef01',
  scope: 'stock.read',
}
/** The stock service's own credentials at the introspection endpoint (RFC 7662 §2.1). */
export const INTROSPECTOR = {
  client_id: 'stock-api',
  client_secret: 'stock-api-secret-0123456789abcdef0123',
  scope: 'stock.read',
}
export const TOKEN_PATH = '/token'
export const INTROSPECTION_PATH = '/token/introspection'
export const MAX_FAILURES = 10

/** oidc-provider behind the fault proxy; a token asked for without `resource=` is opaque. */
export function startFleetIssuer(): Promise<TestIssuer> {
  return startIssuer({
    clients: [...POS_CLIENTS, OUTBOUND, INTROSPECTOR],
    resources: POS_RESOURCES,
    defaultResource: null,
  })
}

/** Writes the POS tills to `dir/tills.json`, as an operator's till store file. */
export async function writeTillsFile(dir: string): Promise<string> {
  const path = join(dir, 'tills.json')
  await writeFile(path, JSON.stringify({ tills: await testTills() }))
  return path
}

export type RedisTarget = { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string }

/** The environment of every replica of one fleet. */
export function replicaEnv(
  issuer: TestIssuer,
  tillsFile: string,
  redis: RedisTarget,
  prefix: string,
): Record<string, string> {
  return {
    ISSUER: issuer.issuer,
    AUDIENCE: DEFAULT_RESOURCE,
    OUTBOUND_CLIENT_ID: OUTBOUND.client_id,
    OUTBOUND_CLIENT_SECRET: OUTBOUND.client_secret,
    OUTBOUND_SCOPE: OUTBOUND.scope,
    INTROSPECTION_CLIENT_ID: INTROSPECTOR.client_id,
    INTROSPECTION_CLIENT_SECRET: INTROSPECTOR.client_secret,
    ...redis,
    KEY_PREFIX: prefix,
    TILLS_FILE: tillsFile,
    LOCKOUT_MAX_FAILURES: String(MAX_FAILURES),
  }
}

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: Record<string, unknown>
}

/** GET with optional headers; the JSON body (or `{}`). */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) })
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    body = { text }
  }
  return { status: response.status, headers: response.headers, body }
}

/** Polls every replica's /ready until each reports its Redis connection up (bounded). */
export async function waitForRedis(urls: readonly string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ready = await Promise.all(urls.map((url) => get(`${url}/ready`)))
    if (ready.every((r) => r.body.redis === true)) return
    if (Date.now() > deadline) throw new Error(`Redis not back on every replica in ${timeoutMs} ms`)
    await delay(50)
  }
}
