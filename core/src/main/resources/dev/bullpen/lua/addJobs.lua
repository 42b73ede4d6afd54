--[[
  addJobs: stores one or more new jobs and makes them ready, delayed or prioritized.
  One call serves Queue.add (n = 1) and a whole Queue.addBulk batch (one round trip).

  KEYS: wait active prioritized delayed meta id pc events marker
  ARGV:
    [1] B, the queue's base key "P:Q:"
    [2] n, the number of jobs
    [3] msgpack array of 8n strings, 8 per job j (0-based) from index 1 + 8j:
      custom id ("" = next value of the id counter), name, data (JSON text),
      opts (JSON text, BullMQ option names), timestamp (ms), delay (ms, >= 0),
      priority (0..2097151), lifo ("1" or "0")
      (one packed argument instead of 8n: far cheaper to send and to parse)
  Returns: the job ids in input order; for a custom id that already exists, that id (nothing is
    overwritten).
  Events: added {jobId, name}; then waiting {jobId} or delayed {jobId, delay = due ms};
    duplicated {jobId} for an existing custom id.
]]
--@include common

local K = {wait = KEYS[1], active = KEYS[2], prioritized = KEYS[3], delayed = KEYS[4],
  meta = KEYS[5], id = KEYS[6], pc = KEYS[7], events = KEYS[8], marker = KEYS[9]}
local B = ARGV[1]
local n = tonumber(ARGV[2])
local J = cmsgpack.unpack(ARGV[3])

local maxLen = maxEvents(K.meta)
local blocked = isPausedOrMaxed(K.meta, K.active)
local ids = {}
local anyReady = false
local anyDelayed = false

for j = 0, n - 1 do
  local a = 1 + j * 8
  local customId = J[a]
  local name = J[a + 1]
  local delay = tonumber(J[a + 5])
  local priority = tonumber(J[a + 6])
  -- The counter moves on every add, custom id or not (BullMQ does the same).
  local counter = rcall("INCR", K.id)
  local jobId = customId
  if customId == "" then
    jobId = counter .. ""
  end
  local jk = B .. jobId
  if customId ~= "" and rcall("EXISTS", jk) == 1 then
    emit(K.events, maxLen, "duplicated", "jobId", jobId)
  else
    rcall("HSET", jk, "name", name, "data", J[a + 2], "opts", J[a + 3],
      "timestamp", J[a + 4], "delay", J[a + 5], "priority", J[a + 6])
    emit(K.events, maxLen, "added", "jobId", jobId, "name", name)
    if delay > 0 then
      local due = tonumber(J[a + 4]) + delay
      rcall("ZADD", K.delayed, int(delayedScore(K.delayed, due)), jobId)
      emit(K.events, maxLen, "delayed", "jobId", jobId, "delay", int(due))
      anyDelayed = true
    else
      pushReady(K, jobId, priority, J[a + 7] == "1")
      emit(K.events, maxLen, "waiting", "jobId", jobId)
      anyReady = true
    end
  end
  ids[j + 1] = jobId
end

if anyReady and not blocked then
  markReady(K.marker)
end
if anyDelayed then
  markNextDelayed(K.marker, K.delayed)
end
return ids
