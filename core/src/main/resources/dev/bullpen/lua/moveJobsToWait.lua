--[[
  moveJobsToWait: moves a batch of jobs from failed, completed (Queue.retryJobs) or delayed
  (Queue.promoteJobs) to wait or prioritized, oldest first. The caller repeats while a full batch
  comes back.

  KEYS: wait active prioritized pc meta events marker completed failed delayed
  ARGV:
    [1] B
    [2] state: "failed", "completed" or "delayed"
    [3] count (batch size)
    [4] only jobs with score <= this (finishedOn ms; for delayed, due*4096; "+inf" = all)
  Returns: the number of jobs moved.
  Events: waiting {jobId, prev = state} per job.
]]
--@include common

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], pc = KEYS[4], meta = KEYS[5],
  events = KEYS[6], marker = KEYS[7], completed = KEYS[8], failed = KEYS[9], delayed = KEYS[10]}
local B = ARGV[1]
local state = ARGV[2]
local ids = rcall("ZRANGEBYSCORE", K[state], "-inf", ARGV[4], "LIMIT", 0, ARGV[3])
if #ids == 0 then
  return 0
end
local maxLen = maxEvents(K.meta)
rcall("ZREM", K[state], unpack(ids))
for _, jobId in ipairs(ids) do
  local jk = B .. jobId
  if state == "delayed" then
    rcall("HSET", jk, "delay", 0)
  elseif state == "completed" then
    rcall("HDEL", jk, "finishedOn", "processedOn", "returnvalue")
  else
    rcall("HDEL", jk, "finishedOn", "processedOn", "failedReason")
  end
  pushReady(K, jobId, tonumber(rcall("HGET", jk, "priority")) or 0, false)
  emit(K.events, maxLen, "waiting", "jobId", jobId, "prev", state)
end
if not isPausedOrMaxed(K.meta, K.active) then
  markReady(K.marker)
end
return #ids
