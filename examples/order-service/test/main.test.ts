import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTokenClient } from '@m2m-auth/core'
import type { RunningService } from '@m2m-auth/example-kit'
import { INVENTORY_AUDIENCE, startInventoryService } from '@m2m-auth/example-inventory-service'
import { startLocalIssuer, type LocalIssuer } from '@m2m-auth/example-local-issuer'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ORDERS = 'https://orders.example.test'
const ORDER_SECRET = 'order-secret-0123456789abcdef0123'
const SHOP_SECRET = 'shop-secret-0123456789abcdef012345'
let issuer: LocalIssuer
let inventory: RunningService

beforeAll(async () => {
  issuer = await startLocalIssuer({
    clients: [
      { clientId: 'order-service', clientSecret: ORDER_SECRET, scope: 'inventory.read' },
      { clientId: 'storefront', clientSecret: SHOP_SECRET, scope: 'order.create' },
    ],
    resources: { [INVENTORY_AUDIENCE]: 'inventory.read', [ORDERS]: 'order.create' },
  })
  inventory = await startInventoryService({ issuer: issuer.issuer, framework: 'fastify' })
})
afterAll(async () => {
  await inventory?.close()
  await issuer?.close()
})

/** Runs src/main.ts with these variables; resolves its output once it listens or exits. */
function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = new Promise<{ output: string; code: number | null }>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error(`no start within 15 s: ${text}`)), 15_000)
    const onData = (chunk: Buffer): void => {
      text += chunk.toString()
      if (/listening on http/.test(text)) {
        clearTimeout(timer)
        resolve({ output: text, code: null })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ output: text, code })
    })
  })
  return { child, output }
}

const ENV = () => ({
  M2M_AUTH_ISSUER: issuer.issuer,
  M2M_AUTH_AUDIENCE: ORDERS,
  M2M_AUTH_CLIENT_ID: 'order-service',
  M2M_AUTH_CLIENT_SECRET: ORDER_SECRET,
  INVENTORY_URL: inventory.url,
  INVENTORY_AUDIENCE,
  FRAMEWORK: 'koa',
})

it('main.ts runs from M2M_AUTH_* variables and places an order through the inventory', async () => {
  const { child, output } = run(ENV())
  try {
    const started = await output
    expect(started.output).toMatch(/order-service \(koa\) listening on/)
    const url = /listening on (http:\/\/\S+)/.exec(started.output)![1]!
    const shop = createTokenClient({
      issuer: issuer.issuer,
      clientId: 'storefront',
      clientSecret: SHOP_SECRET,
      scope: 'order.create',
      audience: ORDERS,
    })
    const placed = await shop.fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'sku-espresso', quantity: 1 }),
    })
    expect(placed.status).toBe(201)
  } finally {
    child.kill('SIGTERM')
  }
}, 30_000)

it('main.ts refuses an unknown M2M_AUTH_ variable at start, naming it, without the secret', async () => {
  const { child, output } = run({ ...ENV(), M2M_AUTH_ISUER: 'typo' })
  try {
    const exited = await output
    expect(exited.code).toBe(2)
    expect(exited.output).toContain('M2M_AUTH_ISUER: is not a known variable')
    expect(exited.output).not.toContain(ORDER_SECRET)
    expect(exited.output).not.toMatch(/\n\s+at /)
  } finally {
    child.kill('SIGTERM')
  }
}, 30_000)
