--[[
  lockRelease: compare-and-delete. Deletes a lock only while it holds the caller's value.

  KEYS: (the lock) lock
  ARGV:
    [1] the value the caller set
  Returns: 1 when released, 0 when it was gone or held by another value.
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("DEL", KEYS[1])
  return 1
end
return 0
