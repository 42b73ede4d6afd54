--[[
  retryJob: a failed attempt is retried at once (no backoff delay): the job goes from active back
  to wait (front when lifo) or prioritized, counting the attempt.

  KEYS: wait active prioritized delayed meta pc events marker stalled
  ARGV:
    [1] B
    [2] jobId
    [3] lock token ("0" = no check)
    [4] now (ms)
    [5] failure message (stored as failedReason)
    [6] stacktrace JSON array ("" = leave as is)
    [7] lifo ("1" or "0")
  Returns: 0, or -1 job missing, -2 lock missing, -6 lock mismatch, -3 not active.
  Events: waiting {prev=delayed} for promoted jobs, waiting {jobId, prev=active}.
]]
--@include common
--@include promoteDelayed

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], delayed = KEYS[4],
  meta = KEYS[5], pc = KEYS[6], events = KEYS[7], marker = KEYS[8], stalled = KEYS[9]}
local B = ARGV[1]
local jobId = ARGV[2]
local jk = B .. jobId

if rcall("EXISTS", jk) == 0 then
  return -1
end
local maxLen = maxEvents(K.meta)
promoteDelayed(K, B, tonumber(ARGV[4]), maxLen)
local lock = releaseLock(K, B, jobId, ARGV[3])
if lock < 0 then
  return lock
end
if rcall("LREM", K.active, -1, jobId) == 0 then
  return -3
end
if ARGV[6] ~= "" then
  rcall("HSET", jk, "failedReason", ARGV[5], "stacktrace", ARGV[6])
else
  rcall("HSET", jk, "failedReason", ARGV[5])
end
local priority = tonumber(rcall("HGET", jk, "priority")) or 0
pushReady(K, jobId, priority, ARGV[7] == "1")
rcall("HINCRBY", jk, "atm", 1)
if not isPausedOrMaxed(K.meta, K.active) then
  markReady(K.marker)
end
emit(K.events, maxLen, "waiting", "jobId", jobId, "prev", "active")
return 0
