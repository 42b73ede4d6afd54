--[[
  moveToFinished: completes or fails a job that a worker holds, applies retention, and optionally
  fetches the next jobs in the same call.

  KEYS: wait active prioritized delayed meta pc events marker stalled limiter completed failed
  ARGV:
    [1] B
    [2] jobId
    [3] lock token ("0" = no lock check)
    [4] now (ms)
    [5] target: "completed" or "failed"
    [6] value: returnvalue JSON (completed) or the failure message (failed)
    [7] stacktrace JSON array ("" = leave as is; failed only)
    [8] keep count (-1 = keep all, 0 = delete the job at once)
    [9] keep age (seconds, 0 = no age limit)
    [10] keep limit (max age-based removals per call)
    [11] attempts (opts.attempts; for retries-exhausted)
    [12] fetch count (0 = do not fetch)
    [13..17] fetch: token prefix, lock ms, limiter max, limiter duration, worker name
  Returns: {code, jobs, rateLimitTtl, nextDelayed}, jobs packed as in moveToActive ("" when
    nothing was fetched); code 0 on success or
    -1 job missing, -2 lock missing, -6 lock held by another token, -3 job not active.
  Events: completed {jobId, returnvalue, prev=active} | failed {jobId, failedReason, prev=active},
    retries-exhausted {jobId, attemptsMade} on failure with attempts used up, drained when nothing
    is left to do; plus the fetch events (see moveToActive).
]]
--@include common
--@include promoteDelayed
--@include fetchJobs
--@include retention

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], delayed = KEYS[4],
  meta = KEYS[5], pc = KEYS[6], events = KEYS[7], marker = KEYS[8], stalled = KEYS[9],
  limiter = KEYS[10], completed = KEYS[11], failed = KEYS[12]}
local B = ARGV[1]
local jobId = ARGV[2]
local now = tonumber(ARGV[4])
local target = ARGV[5]
local jk = B .. jobId

if rcall("EXISTS", jk) == 0 then
  return {-1}
end
local lock = releaseLock(K, B, jobId, ARGV[3])
if lock < 0 then
  return {lock}
end
if rcall("LREM", K.active, -1, jobId) == 0 then
  return {-3}
end

local maxLen = maxEvents(K.meta)
local deid = rcall("HGET", jk, "deid")
if deid then
  releaseDedupKey(B, jobId, deid)
end

local atm = rcall("HINCRBY", jk, "atm", 1)
local keepCount = tonumber(ARGV[8])
local setKey = K[target]
if keepCount == 0 then
  deleteJobKeys(B, jobId)
else
  if target == "completed" then
    rcall("HSET", jk, "returnvalue", ARGV[6], "finishedOn", ARGV[4])
  else
    if ARGV[7] ~= "" then
      rcall("HSET", jk, "failedReason", ARGV[6], "finishedOn", ARGV[4], "stacktrace", ARGV[7])
    else
      rcall("HSET", jk, "failedReason", ARGV[6], "finishedOn", ARGV[4])
    end
    rcall("HDEL", jk, "defa")
  end
  rcall("ZADD", setKey, ARGV[4], jobId)
  applyRetention(setKey, B, now, keepCount, tonumber(ARGV[9]), tonumber(ARGV[10]))
end

if target == "completed" then
  emit(K.events, maxLen, "completed", "jobId", jobId, "returnvalue", ARGV[6], "prev", "active")
else
  emit(K.events, maxLen, "failed", "jobId", jobId, "failedReason", ARGV[6], "prev", "active")
  if atm >= tonumber(ARGV[11]) then
    emit(K.events, maxLen, "retries-exhausted", "jobId", jobId, "attemptsMade", atm .. "")
  end
end

local fetchCount = tonumber(ARGV[12])
if fetchCount > 0 then
  local jobs, ttl, nextDelayed = fetchJobs(K, B, {now = now, count = fetchCount,
    tokenPrefix = ARGV[13], lockMs = tonumber(ARGV[14]), limitMax = tonumber(ARGV[15]),
    limitDuration = tonumber(ARGV[16]), workerName = ARGV[17], maxLen = maxLen})
  if #jobs > 0 then
    return {0, cmsgpack.pack(jobs), ttl, nextDelayed}
  end
  if ttl == 0 and rcall("LLEN", K.active) == 0 and rcall("LLEN", K.wait) == 0
      and rcall("ZCARD", K.prioritized) == 0 then
    emit(K.events, maxLen, "drained")
  end
  return {0, cmsgpack.pack(jobs), ttl, nextDelayed}
end
if rcall("LLEN", K.active) == 0 and rcall("LLEN", K.wait) == 0
    and rcall("ZCARD", K.prioritized) == 0 then
  emit(K.events, maxLen, "drained")
end
return {0, "", 0, 0}
