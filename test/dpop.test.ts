import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { decodeJwt } from 'jose'
import {
  createAuthenticator,
  isAuthError,
  memoryStore,
  type Authenticator,
  type Store,
} from '@m2m-auth/core'
import { ADAPTERS, send, startApp, type RunningApp } from './support/apps.js'
import { DPOP_CASES, type DpopApp, type DpopCase, type DpopContext } from './support/dpop-cases.js'
import { DPOP_RESOURCE, startDpopIssuer, type DpopIssuer } from './support/dpop-issuer.js'
import { createProofKey, signProof, type ProofKey } from './support/dpop-proofs.js'

let issuer: DpopIssuer
let key: ProofKey
let otherKey: ProofKey
let bound: string
let plain: string
let authenticators: Record<DpopApp, Authenticator>

const NONCE_SECRET = 'nonce-secret-0123456789abcdef0123456789'

function authenticator(
  dpop?: object,
  extra: { store?: Store; publicUrl?: string } = {},
): Authenticator {
  return createAuthenticator({
    bearer: { issuer: issuer.issuer, audience: DPOP_RESOURCE, ...(dpop && { dpop }) },
    ...extra,
  })
}

beforeAll(async () => {
  issuer = await startDpopIssuer()
  key = await createProofKey()
  otherKey = await createProofKey()
  const boundToken = await issuer.token(key)
  bound = boundToken.accessToken
  plain = (await issuer.token()).accessToken
  authenticators = {
    dpop: authenticator({}),
    nonce: authenticator({ nonce: { secret: NONCE_SECRET } }),
    required: authenticator({ required: true }),
    plain: authenticator(),
  }
})

afterAll(() => issuer?.close())

describe('the test issuer', () => {
  it('binds a token to the key of the proof on its token request (cnf.jkt)', async () => {
    const { tokenType } = await issuer.token(key)
    expect(tokenType).toBe('DPoP')
    expect((decodeJwt(bound).cnf as { jkt?: unknown }).jkt).toMatch(/^[\w-]{43}$/)
    expect(decodeJwt(plain).cnf).toBeUndefined()
  })
})

describe.each(ADAPTERS)('%s adapter', (adapter) => {
  const apps = {} as Record<DpopApp, RunningApp>
  beforeAll(async () => {
    for (const name of Object.keys(authenticators) as DpopApp[]) {
      const main = authenticators[name]
      apps[name] = await startApp(adapter, { main, down: main })
    }
  })
  afterAll(() => Promise.all(Object.values(apps).map((app) => app.close())))

  it.each(DPOP_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c: DpopCase) => {
    const url = apps[c.app].url
    const ctx: DpopContext = {
      url,
      bound,
      plain,
      key,
      otherKey,
      send: (path, init) => send(url + path, init),
    }
    const res = await c.run(ctx)
    expect(res.status).toBe(c.status)
    expect(res.headers['www-authenticate']).toBe(c.challenge)
    if (c.status === 200) {
      expect(res.json).toMatchObject({ scheme: 'bearer', clientId: 'task-service' })
      return
    }
    if (adapter === 'koa') expect(res.text).toBe(c.description)
    else {
      const error = /error="(\w+)"/.exec(c.challenge ?? '')?.[1] ?? 'unauthorized'
      expect(res.json).toEqual({ error, error_description: c.description })
    }
    // Nothing leaks: no token, no proof, no stack.
    expect(res.text).not.toMatch(/eyJ|\bat \w+ \(|Error:/)
  })

  describe('two replicas', () => {
    const PUBLIC = 'https://calendar.example.test'
    const pair = async (shared: boolean): Promise<[RunningApp, RunningApp]> => {
      const store = memoryStore()
      const one = authenticator({}, { store, publicUrl: PUBLIC })
      const two = authenticator({}, { store: shared ? store : memoryStore(), publicUrl: PUBLIC })
      return [
        await startApp(adapter, { main: one, down: one }),
        await startApp(adapter, { main: two, down: two }),
      ]
    }
    const replay = async (shared: boolean): Promise<number[]> => {
      const [a, b] = await pair(shared)
      try {
        // publicUrl: both replicas answer for one public origin, so one proof fits both.
        const proof = await signProof(key, { htm: 'GET', htu: `${PUBLIC}/events`, token: bound })
        const headers = { authorization: `DPoP ${bound}`, dpop: proof }
        return [
          (await send(`${a.url}/events`, { headers })).status,
          (await send(`${b.url}/events`, { headers })).status,
        ]
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    }

    it('refuse a proof replayed at the other replica when they share one store', async () => {
      expect(await replay(true)).toEqual([200, 401])
    })

    it('(control) each accept it once with stores of their own', async () => {
      expect(await replay(false)).toEqual([200, 200])
    })
  })
})

describe('core, without an adapter', () => {
  afterEach(() => {
    vi.useRealTimers()
  })
  const STEP = 5 * 60_000 // NONCE_STEP_MS
  const ORIGIN = 'https://calendar.example.test'
  const request = (dpop: string) => ({
    authorization: `DPoP ${bound}`,
    headers: { dpop },
    method: 'GET',
    url: '/events?x=1',
    origin: ORIGIN,
  })

  it('hands out the next nonce on a success whose nonce is from the previous step', async () => {
    // Two instants either side of a nonce step boundary, neither after the token expires.
    const boundary = Math.floor(Date.now() / STEP) * STEP
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(boundary - 1000)
    const auth = authenticators.nonce
    const refusal = await auth
      .authenticate(
        request(await signProof(key, { htm: 'GET', htu: `${ORIGIN}/events`, token: bound })),
      )
      .catch((e: unknown) => e)
    if (!isAuthError(refusal)) throw new Error('expected a refusal')
    expect(refusal.error).toBe('use_dpop_nonce')
    const old = refusal.headers['DPoP-Nonce']!
    vi.setSystemTime(boundary + 1000)
    const headers = new Map<string, string>()
    const sink = { setHeader: (name: string, value: string) => headers.set(name, value) }
    const proof = await signProof(key, {
      htm: 'GET',
      htu: `${ORIGIN}/events`,
      token: bound,
      nonce: old,
    })
    await expect(auth.authenticate(request(proof), { response: sink })).resolves.toMatchObject({
      clientId: 'task-service',
    })
    expect(headers.get('DPoP-Nonce')).toMatch(/^[\w-]{43}$/)
    expect(headers.get('DPoP-Nonce')).not.toBe(old)
  })

  it('checks htu against the request origin a direct caller passes', async () => {
    const proof = await signProof(key, {
      htm: 'GET',
      htu: 'https://elsewhere.example.test/events',
      token: bound,
    })
    await expect(authenticators.dpop.authenticate(request(proof))).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
      message: 'the DPoP proof htu does not match',
    })
    const good = await signProof(key, { htm: 'GET', htu: `${ORIGIN}/events`, token: bound })
    await expect(authenticators.dpop.authenticate(request(good))).resolves.toMatchObject({
      scheme: 'bearer',
    })
  })

  it("refuses a proof algorithm outside the issuer's dpop.algorithms", async () => {
    const auth = authenticator({ algorithms: ['ES384'] })
    const proof = await signProof(key, { htm: 'GET', htu: `${ORIGIN}/events`, token: bound })
    const refusal = await auth.authenticate(request(proof)).catch((e: unknown) => e)
    expect(refusal).toMatchObject({ message: 'the DPoP proof algorithm is not allowed' })
    expect(isAuthError(refusal) && refusal.headers['WWW-Authenticate']).toContain('algs="ES384"')
  })

  it('refuses a DPoP-bound token from an issuer without dpop, even where another has it', async () => {
    const auth = createAuthenticator({
      bearer: [
        { issuer: 'https://other-idp.example.test/', audience: DPOP_RESOURCE, dpop: {} },
        { issuer: issuer.issuer, audience: DPOP_RESOURCE },
      ],
    })
    const proof = await signProof(key, { htm: 'GET', htu: `${ORIGIN}/events`, token: bound })
    await expect(auth.authenticate(request(proof))).rejects.toMatchObject({
      error: 'invalid_token',
      message: 'DPoP-bound tokens from this issuer are not accepted here',
    })
  })
})
