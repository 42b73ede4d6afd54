--[[
  leaderAcquire: takes the coordinator leader lock of a queue group (prefix) if it is free, with
  a new fencing token; a holder asking again keeps its token and gets a fresh expiry.

  KEYS: (the lock) leader (the fencing counter) fence
  ARGV:
    [1] owner id (no '|')
    [2] lock period (ms)
  Returns: the holder's fencing token (> 0), or 0 when another owner holds the lock.
  Writes: the lock "<owner>|<token>" with PX; INCR of the counter for a new holder.
]]
local held = redis.call("GET", KEYS[1])
if held then
  local sep = string.find(held, "|", 1, true)
  if sep and string.sub(held, 1, sep - 1) == ARGV[1] then
    redis.call("PEXPIRE", KEYS[1], ARGV[2])
    return tonumber(string.sub(held, sep + 1))
  end
  return 0
end
local token = redis.call("INCR", KEYS[2])
redis.call("SET", KEYS[1], ARGV[1] .. "|" .. token, "PX", ARGV[2])
return token
