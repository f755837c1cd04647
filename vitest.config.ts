import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string): string =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

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
    // oidc-provider prints this on import under Node 20 and has no setting for it; it works.
    onConsoleLog: (log) => !log.includes('oidc-provider WARNING: Unsupported runtime.'),
  },
})
