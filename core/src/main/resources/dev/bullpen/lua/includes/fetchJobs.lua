--[[
  The fetch half of moveToActive, shared with moveToFinished (finish one job, fetch the next ones
  in the same call). Needs common.lua and promoteDelayed.lua.

  f is a table: now (ms), count (jobs wanted, >= 1), tokenPrefix (each job's lock token is
  tokenPrefix .. i), lockMs, limitMax / limitDuration (worker limiter, 0 = none), workerName
  ("" = none), maxLen.

  Returns jobs, rateLimitTtl, nextDelayed, dry:
  - jobs: array of {jobId, token, HGETALL of the job as it was before this call set
    processedOn = now, ats = ats + 1 and pb = workerName (the caller applies those);
  - rateLimitTtl > 0 when the rate limit is reached (ms until it resets);
  - nextDelayed: due time (ms) of the earliest delayed job when nothing was fetched, or when
    jobs were fetched, none is left ready and f.dueWhenDry is set; else 0;
  - dry: true when no ready job is left (wait and prioritized empty); false or nil when jobs
    are left (the marker is then set, so a worker blocking on it wakes at once) or when a rate
    limit, a pause or the global concurrency stopped the call.

  Events: waiting {prev=delayed} for promoted jobs, active {jobId, prev=waiting} per job taken.
]]
local function fetchJobs(K, B, f)
  local meta = rcall("HMGET", K.meta, "paused", "concurrency", "max", "duration")
  local paused = meta[1]
  local concurrency = tonumber(meta[2])
  -- BullMQ's asymmetry, kept on purpose: max prefers meta, duration prefers the worker option.
  local maxJobs = tonumber(meta[3])
  if not maxJobs and f.limitMax > 0 then
    maxJobs = f.limitMax
  end
  local duration = f.limitDuration
  if duration <= 0 then
    duration = tonumber(meta[4]) or 0
  end

  local promoted = promoteDelayed(K, B, f.now, f.maxLen)
  local activeLen = 0
  local maxed = false
  if concurrency then
    activeLen = rcall("LLEN", K.active)
    maxed = activeLen >= concurrency
  end
  if promoted > 0 and not paused and not maxed then
    markReady(K.marker)
  end

  local used = 0
  if maxJobs then
    used = tonumber(rcall("GET", K.limiter) or "0")
    if used >= maxJobs then
      local ttl = rcall("PTTL", K.limiter)
      if ttl > 0 then
        return {}, ttl, 0
      end
      -- A limiter without a TTL would block the queue forever: drop it.
      rcall("DEL", K.limiter)
      used = 0
    end
  end
  if paused or maxed then
    return {}, 0, 0
  end

  local n = f.count
  if concurrency and concurrency - activeLen < n then
    n = concurrency - activeLen
  end
  if maxJobs and maxJobs - used < n then
    n = maxJobs - used
  end

  local jobs = {}
  local i = 0
  local lockText = int(f.lockMs)
  local nowText = int(f.now)
  while #jobs < n and i < n + 10 do
    i = i + 1
    local jobId = rcall("RPOPLPUSH", K.wait, K.active)
    if jobId and string.sub(jobId, 1, 2) == "0:" then
      -- Legacy v4/v5 marker id: never a job.
      rcall("LREM", K.active, 1, jobId)
    else
      if not jobId then
        local popped = rcall("ZPOPMIN", K.prioritized)
        if popped[1] then
          jobId = popped[1]
          rcall("LPUSH", K.active, jobId)
        else
          rcall("DEL", K.pc)
          break
        end
      end
      if maxJobs then
        if rcall("INCR", K.limiter) == 1 and duration > 0 then
          rcall("PEXPIRE", K.limiter, int(math.floor(duration)))
        end
      end
      local jk = B .. jobId
      local token = f.tokenPrefix .. i
      rcall("SET", jk .. ":lock", token, "PX", lockText)
      emit(K.events, f.maxLen, "active", "jobId", jobId, "prev", "waiting")
      -- Read first, then write processedOn, ats + 1 (and pb) in one HSET; the caller applies
      -- the same three values to the hash it gets back.
      local hash = rcall("HGETALL", jk)
      local ats = 0
      for h = 1, #hash, 2 do
        if hash[h] == "ats" then
          ats = tonumber(hash[h + 1]) or 0
          break
        end
      end
      if f.workerName ~= "" then
        rcall("HSET", jk, "processedOn", nowText, "ats", ats + 1, "pb", f.workerName)
      else
        rcall("HSET", jk, "processedOn", nowText, "ats", ats + 1)
      end
      jobs[#jobs + 1] = {jobId, token, hash}
    end
  end

  if #jobs > 0 then
    -- Wake other workers only when work is left for them.
    if rcall("LLEN", K.wait) > 0 or rcall("ZCARD", K.prioritized) > 0 then
      markReady(K.marker)
      return jobs, 0, 0, false
    end
    if f.dueWhenDry then
      return jobs, 0, nextDelayedDue(K.delayed), true
    end
    return jobs, 0, 0, true
  end
  return jobs, 0, nextDelayedDue(K.delayed), true
end
