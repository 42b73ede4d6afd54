--[[
  moveToDelayed: an active job waits in delayed until due: a backoff retry (the attempt counts)
  or a delay the handler asked for (skip attempt: it does not count).

  KEYS: active delayed meta events marker stalled
  ARGV:
    [1] B
    [2] jobId
    [3] lock token ("0" = no check)
    [4] now (ms)
    [5] delay (ms from now, >= 0)
    [6] skip attempt ("1" = do not count the attempt)
    [7] failure message ("" = none)
    [8] stacktrace JSON array ("" = leave as is)
  Returns: 0, or -1 job missing, -2 lock missing, -6 lock mismatch, -3 not active.
  Events: delayed {jobId, delay = due ms}.
]]
--@include common

local K = {active = KEYS[1], delayed = KEYS[2], meta = KEYS[3], events = KEYS[4],
  marker = KEYS[5], stalled = KEYS[6]}
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
if ARGV[7] ~= "" then
  rcall("HSET", jk, "failedReason", ARGV[7])
end
if ARGV[8] ~= "" then
  rcall("HSET", jk, "stacktrace", ARGV[8])
end
if ARGV[6] ~= "1" then
  rcall("HINCRBY", jk, "atm", 1)
end
local due = tonumber(ARGV[4]) + tonumber(ARGV[5])
rcall("HSET", jk, "delay", ARGV[5])
rcall("ZADD", K.delayed, int(delayedScore(K.delayed, due)), jobId)
emit(K.events, maxEvents(K.meta), "delayed", "jobId", jobId, "delay", int(due))
markNextDelayed(K.marker, K.delayed)
return 0
