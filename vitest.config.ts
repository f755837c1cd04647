import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string): string =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

const OIDC_PROVIDER_NOTICES = [
  'oidc-provider WARNING: Unsupported runtime.',
  'oidc-provider WARNING: a quick start development-only in-memory adapter is used',
  'oidc-provider NOTICE: ',
]

export default defineConfig({
  resolve: {
    alias: {
      '@m2m-auth/core': src('core'),
      '@m2m-auth/express': src('express'),
      '@m2m-auth/koa': src('koa'),
      '@m2m-auth/fastify': src('fastify'),
      '@m2m-auth/redis': src('redis'),
      '@m2m-auth/cli': fileURLToPath(new URL('./packages/cli/src/main.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    // oidc-provider's development notices: on import under Node 20 (no setting for it; it
    // works), and from the examples' embedded issuer, which keeps the quick-start defaults a
    // development issuer is meant to have. Any other line still prints.
    onConsoleLog: (log) => !OIDC_PROVIDER_NOTICES.some((notice) => log.includes(notice)),
  },
})
