--[[
  lockExtend: compare-and-extend. Renews a lock only while it still holds the caller's value,
  so a holder whose lock expired and went to someone else cannot take it back.

  KEYS: (the lock) lock
  ARGV:
    [1] the value the caller set
    [2] new period (ms)
  Returns: 1 when renewed, 0 when the lock is gone or held by another value.
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
return 0
