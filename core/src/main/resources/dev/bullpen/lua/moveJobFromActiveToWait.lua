--[[
  moveJobFromActiveToWait: a worker hands an active job back without counting an attempt (manual
  rate limit, graceful shutdown that cannot finish in time). It goes to the front of wait, or the
  front of its priority.

  KEYS: wait active prioritized meta pc events marker stalled limiter
  ARGV:
    [1] B
    [2] jobId
    [3] lock token ("0" = no check)
  Returns: the limiter's PTTL (>= 0) on success, or -1 missing, -2 lock missing, -6 mismatch,
    -3 not active.
  Events: waiting {jobId, prev=active}.
]]
--@include common

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], meta = KEYS[4], pc = KEYS[5],
  events = KEYS[6], marker = KEYS[7], stalled = KEYS[8], limiter = KEYS[9]}
local B = ARGV[1]
local jobId = ARGV[2]
local jk = B .. jobId

if rcall("EXISTS", jk) == 0 then
  return -1
end
local lock = releaseLock(K, B, jobId, ARGV[3])
if lock < 0 then
  return lock
end
if rcall("LREM", K.active, -1, jobId) == 0 then
  return -3
end
local priority = tonumber(rcall("HGET", jk, "priority")) or 0
pushReady(K, jobId, priority, true)
if not isPausedOrMaxed(K.meta, K.active) then
  markReady(K.marker)
end
emit(K.events, maxEvents(K.meta), "waiting", "jobId", jobId, "prev", "active")
local ttl = rcall("PTTL", K.limiter)
if ttl < 0 then
  ttl = 0
end
return ttl
