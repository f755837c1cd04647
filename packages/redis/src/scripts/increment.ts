/**
 * A counter with a fixed-window expiry that never goes below zero.
 * KEYS[1] the counter · ARGV[1] delta (integer) · ARGV[2] TTL in ms, set only on a new key.
 * Returns the new value.
 */
export const INCREMENT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n < 0 then
  redis.call('SET', KEYS[1], 0, 'KEEPTTL')
  n = 0
end
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return n
`
