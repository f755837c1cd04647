// `pnpm soak` entry: the soak itself is TypeScript (test/soak/soak.ts, type-checked and linted
// with the tests); this file only loads it, under `node --expose-gc --import tsx`.
await import('../test/soak/soak.ts')
