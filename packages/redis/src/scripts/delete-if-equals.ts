/**
 * Releases a lease only for its owner: deletes the key while it still holds the value.
 * KEYS[1] the key · ARGV[1] the expected value. Returns 1 when deleted, else 0.
 */
export const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`
