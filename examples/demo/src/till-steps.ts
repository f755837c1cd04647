import { AUDIENCES } from './clients.js'
import { TILL_PASSWORDS, tillBasic } from './fleet.js'
import { call, type Exchange } from './http.js'
import { refusal, type Step } from './step.js'
import { tokenFor } from './tokens.js'

const tillOf = (exchange: Exchange): string => {
  const body = exchange.body as { till?: string; store?: string; via?: string } | undefined
  return `principal.till = ${body?.till} (store ${body?.store}), authenticated via ${body?.via}`
}

const deprecation = (exchange: Exchange): string =>
  exchange.headers.has('deprecation') && exchange.headers.has('sunset')
    ? 'Deprecation and Sunset sent'
    : 'Deprecation or Sunset missing'

const tillOnBasic: Step = {
  from: 'till T-1',
  to: 'stock-service',
  request: 'GET /stock',
  credentials: 'Basic, till id T-1 and the MD5 hex of its password (legacy protocol)',
  story: 'A POS till that cannot do OAuth yet still works, and is told Basic is going away.',
  expect: {
    status: 200,
    detail: /T-1 \(store S-1\), authenticated via basic; Deprecation and Sunset sent/,
  },
  run: async (world) => {
    const exchange = await call(`${world.urls.stock}/stock`, {
      headers: { authorization: tillBasic('T-1', TILL_PASSWORDS['T-1']) },
    })
    const headers = ['deprecation', 'sunset', 'link'].map(
      (name) => `${name}: ${exchange.headers.get(name) ?? '(missing)'}`,
    )
    const logged = world.legacyAuth.map((e) => `${e.tillId} ${e.method} ${e.path}`)
    return {
      exchange,
      detail: `${tillOf(exchange)}; ${deprecation(exchange)}`,
      notes: [...headers, `legacy-auth log: ${logged.join(', ') || '(none)'}`],
    }
  },
}

const wrongPassword: Step = {
  from: 'till T-2',
  to: 'stock-service',
  request: 'GET /stock',
  credentials: 'Basic, till id T-2 with a wrong password',
  story: 'A till with the wrong password is refused.',
  expect: { status: 401, error: 'invalid_token', detail: /credentials are invalid/ },
  run: async (world) =>
    refusal(
      await call(`${world.urls.stock}/stock`, {
        headers: { authorization: tillBasic('T-2', 'not the password') },
      }),
    ),
}

const migratedOnBasic: Step = {
  from: 'till T-3 (migrated)',
  to: 'stock-service',
  request: 'GET /stock',
  credentials: 'Basic, till id T-3 and its correct password',
  story: 'A till marked migrated may no longer use Basic, even with the right password.',
  expect: {
    status: 401,
    error: 'invalid_token',
    detail: /migrated to OAuth and must authenticate with a Bearer token/,
  },
  run: async (world) =>
    refusal(
      await call(`${world.urls.stock}/stock`, {
        headers: { authorization: tillBasic('T-3', TILL_PASSWORDS['T-3']) },
      }),
    ),
}

const gatewayForTill: Step = {
  from: 'pos-gateway for till T-3',
  to: 'stock-service',
  request: 'GET /stock, X-Attribution-Till-Id: T-3',
  credentials:
    'Bearer, client-credentials token of client pos-gateway, scope stock.read pos.attribute',
  story: 'The same till through the gateway: OAuth, and the handler sees the same till.',
  expect: { status: 200, detail: /T-3 \(store S-2\), authenticated via bearer/ },
  run: async (world) => {
    const token = await tokenFor(world, 'gateway', AUDIENCES.stock)
    const exchange = await call(`${world.urls.stock}/stock`, {
      headers: { ...token.headers, 'x-attribution-till-id': 'T-3' },
    })
    return { exchange, detail: tillOf(exchange) }
  },
}

/** The POS world: tills on Basic while they migrate, a gateway on OAuth acting for a till. */
export function tillSteps(): Step[] {
  return [tillOnBasic, wrongPassword, migratedOnBasic, gatewayForTill]
}
