--[[
  reprocessJob: runs a finished job again (Job.retry): from completed or failed back to wait (by
  its lifo option) or prioritized, clearing the outcome of the last run.

  KEYS: wait active prioritized pc meta events marker completed failed
  ARGV:
    [1] B
    [2] jobId
    [3] state it must be in: "completed" or "failed"
    [4] reset attempts ("1" = attemptsMade and attemptsStarted start again from 0)
  Returns: 1, or -1 no such job, -3 not in that state.
  Events: waiting {jobId, prev = state}.
]]
--@include common

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], pc = KEYS[4], meta = KEYS[5],
  events = KEYS[6], marker = KEYS[7], completed = KEYS[8], failed = KEYS[9]}
local B = ARGV[1]
local jobId = ARGV[2]
local state = ARGV[3]
local jk = B .. jobId
if rcall("EXISTS", jk) == 0 then
  return -1
end
if rcall("ZREM", K[state], jobId) == 0 then
  return -3
end
-- Only the last run's outcome goes: a completed job keeps the failedReason of an earlier failed
-- attempt, as in BullMQ.
if state == "completed" then
  rcall("HDEL", jk, "finishedOn", "processedOn", "returnvalue")
else
  rcall("HDEL", jk, "finishedOn", "processedOn", "failedReason")
end
if ARGV[4] == "1" then
  rcall("HDEL", jk, "atm", "attemptsMade", "ats")
end
local f = rcall("HMGET", jk, "priority", "opts")
local lifo = false
if f[2] then
  local ok, opts = pcall(cjson.decode, f[2])
  lifo = ok and type(opts) == "table" and opts["lifo"] == true
end
pushReady(K, jobId, tonumber(f[1]) or 0, lifo)
if not isPausedOrMaxed(K.meta, K.active) then
  markReady(K.marker)
end
emit(K.events, maxEvents(K.meta), "waiting", "jobId", jobId, "prev", state)
return 1
