export { redisStore } from './store.js'
export type { RedisStoreOptions } from './store.js'
export type { RedisCommands } from './client.js'
