--[[
  poolRegister: records how many workers one process runs for a queue and returns how many the
  other live processes run. Entries expire (a crashed process's share is freed after ttl); a
  size of 0 removes the caller's entry. Called under the queue's scale lock.

  KEYS: (sizes by process) sizes (expiry by process) expiries
  ARGV:
    [1] process id
    [2] workers this process runs now
    [3] now (epoch ms)
    [4] entry lifetime (ms)
  Returns: the sum of the other live processes' sizes.
]]
local now = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local dead = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", "(" .. now)
for _, id in ipairs(dead) do
  redis.call("HDEL", KEYS[1], id)
  redis.call("ZREM", KEYS[2], id)
end
if tonumber(ARGV[2]) > 0 then
  redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
  redis.call("ZADD", KEYS[2], now + ttl, ARGV[1])
  redis.call("PEXPIRE", KEYS[1], ttl * 2)
  redis.call("PEXPIRE", KEYS[2], ttl * 2)
else
  redis.call("HDEL", KEYS[1], ARGV[1])
  redis.call("ZREM", KEYS[2], ARGV[1])
end
local others = 0
local all = redis.call("HGETALL", KEYS[1])
for i = 1, #all, 2 do
  if all[i] ~= ARGV[1] then
    others = others + tonumber(all[i + 1])
  end
end
return others
