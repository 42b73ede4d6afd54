--[[
  promote: makes one delayed job ready now.

  KEYS: wait active prioritized pc meta events marker delayed
  ARGV:
    [1] B
    [2] jobId
  Returns: 0, or -1 no such job, -3 not delayed.
  Events: waiting {jobId, prev=delayed}.
]]
--@include common

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], pc = KEYS[4], meta = KEYS[5],
  events = KEYS[6], marker = KEYS[7], delayed = KEYS[8]}
local jk = ARGV[1] .. ARGV[2]
if rcall("EXISTS", jk) == 0 then
  return -1
end
if rcall("ZREM", K.delayed, ARGV[2]) == 0 then
  return -3
end
rcall("HSET", jk, "delay", 0)
pushReady(K, ARGV[2], tonumber(rcall("HGET", jk, "priority")) or 0, false)
if not isPausedOrMaxed(K.meta, K.active) then
  markReady(K.marker)
end
emit(K.events, maxEvents(K.meta), "waiting", "jobId", ARGV[2], "prev", "delayed")
return 0
