--[[
  completeJobs: completes a batch of jobs that one worker holds, then fetches up to `fetch`
  next jobs, all in one call. Each job gets exactly what moveToFinished gives a completed job
  (same hash fields, ZSET, retention and events); batching only saves round trips and per-call
  overhead when many jobs finish at about the same time.

  KEYS: wait active prioritized delayed meta pc events marker stalled limiter completed
  ARGV:
    [1] B
    [2] now (ms)
    [3] n, the number of jobs
    [4] fetch count (0 = do not fetch)
    [5..9] fetch: token prefix, lock ms, limiter max, limiter duration, worker name
    [10] msgpack array of 8n strings (one packed argument instead of 8n, as in addJobs),
      8 per job j (0-based) from index 1 + 8j:
      jobId, lock token ("0" = no check), returnvalue (JSON), attemptsMade after this attempt
      (the worker read atm when it took the job and holds the lock since, so it is exact),
      keep count (-1 = all), keep age (s, 0 = none), keep limit, the job's deid field ("" =
      none; also read when the job was taken)
  Returns: {codes, jobs, rateLimitTtl, nextDelayed}, jobs packed as in moveToActive; codes[j] is
    0 for a completed job or
    -1 missing, -2 lock missing, -6 lock held by another token, -3 not active (nothing written).
  Events: completed {jobId, returnvalue, prev=active} per job; drained when nothing is left;
    plus the fetch events (see moveToActive).
]]
--@include common
--@include promoteDelayed
--@include fetchJobs
--@include retention

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], delayed = KEYS[4],
  meta = KEYS[5], pc = KEYS[6], events = KEYS[7], marker = KEYS[8], stalled = KEYS[9],
  limiter = KEYS[10], completed = KEYS[11]}
local B = ARGV[1]
local nowText = ARGV[2]
local now = tonumber(nowText)
local n = tonumber(ARGV[3])
local J = cmsgpack.unpack(ARGV[10])
local maxLen = maxEvents(K.meta)
local codes = {}

for j = 0, n - 1 do
  local a = 1 + j * 8
  local jobId = J[a]
  local jk = B .. jobId
  local token = J[a + 1]
  local code = 0
  if token == "0" and rcall("EXISTS", jk) == 0 then
    code = -1
  else
    -- The lock check also proves the job exists: nothing deletes a locked job's hash.
    -- (The stalled set is not cleaned here: the next stall check deletes it whole, and a
    -- finished job is no longer in active, so it cannot be taken for stalled.)
    local lockKey = jk .. ":lock"
    if token ~= "0" then
      local held = rcall("GET", lockKey)
      if held == token then
        rcall("DEL", lockKey)
      elseif held then
        code = -6
      else
        code = -2
      end
    end
    if code == 0 and rcall("LREM", K.active, -1, jobId) == 0 then
      code = -3
    end
  end
  if code == 0 then
    if J[a + 7] ~= "" then
      releaseDedupKey(B, jobId, J[a + 7])
    end
    local returnvalue = J[a + 2]
    local keepCount = tonumber(J[a + 4])
    if keepCount == 0 then
      deleteJobKeys(B, jobId)
    else
      rcall("HSET", jk, "returnvalue", returnvalue, "finishedOn", nowText, "atm", J[a + 3])
      rcall("ZADD", K.completed, nowText, jobId)
      applyRetention(K.completed, B, now, keepCount, tonumber(J[a + 5]),
        tonumber(J[a + 6]))
    end
    emit(K.events, maxLen, "completed", "jobId", jobId, "returnvalue", returnvalue, "prev",
      "active")
  end
  codes[j + 1] = code
end

local jobs, ttl, nextDelayed = {}, 0, 0
local fetchCount = tonumber(ARGV[4])
if fetchCount > 0 then
  jobs, ttl, nextDelayed = fetchJobs(K, B, {now = now, count = fetchCount,
    tokenPrefix = ARGV[5], lockMs = tonumber(ARGV[6]), limitMax = tonumber(ARGV[7]),
    limitDuration = tonumber(ARGV[8]), workerName = ARGV[9], maxLen = maxLen})
end
if #jobs == 0 and ttl == 0 and rcall("LLEN", K.active) == 0 and rcall("LLEN", K.wait) == 0
    and rcall("ZCARD", K.prioritized) == 0 then
  emit(K.events, maxLen, "drained")
end
return {codes, cmsgpack.pack(jobs), ttl, nextDelayed}
