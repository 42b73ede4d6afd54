--[[
  moveToActive: a worker takes up to `count` ready jobs at once (BullMQ takes one per call), each
  with its own lock token. Promotes due delayed jobs first, honours pause, the global concurrency
  (meta.concurrency) and the rate limit (meta.max/duration or the worker's limiter).

  KEYS: wait active prioritized delayed meta pc events marker stalled limiter
  ARGV:
    [1] B
    [2] now (ms)
    [3] count (>= 1)
    [4] token prefix (job i gets prefix .. i; unique per call)
    [5] lock duration (ms)
    [6] limiter max (0 = none)
    [7] limiter duration (ms, 0 = none)
    [8] worker name ("" = none; stored as pb)
  Returns: {jobs, rateLimitTtl, nextDelayed, dry}, jobs = cmsgpack of an array of
    {jobId, token, HGETALL flat} (one reply string, not thousands: cheaper to write and to read);
    dry = 1 when no ready job is left, and nextDelayed is then the earliest delayed job's due
    time even when jobs were taken (the worker blocks on the marker next, not fetch again).
  Events: waiting {prev=delayed}, active {jobId, prev=waiting}.
]]
--@include common
--@include promoteDelayed
--@include fetchJobs

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], delayed = KEYS[4],
  meta = KEYS[5], pc = KEYS[6], events = KEYS[7], marker = KEYS[8], stalled = KEYS[9],
  limiter = KEYS[10]}
local B = ARGV[1]

local jobs, ttl, nextDelayed, dry = fetchJobs(K, B, {now = tonumber(ARGV[2]),
  count = tonumber(ARGV[3]), tokenPrefix = ARGV[4], lockMs = tonumber(ARGV[5]),
  limitMax = tonumber(ARGV[6]), limitDuration = tonumber(ARGV[7]), workerName = ARGV[8],
  maxLen = maxEvents(KEYS[5]), dueWhenDry = true})
return {cmsgpack.pack(jobs), ttl, nextDelayed, dry and 1 or 0}
