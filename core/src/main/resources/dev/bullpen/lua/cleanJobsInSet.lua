--[[
  cleanJobsInSet: removes up to `limit` jobs of one state older than a cut-off. Age is finishedOn
  for completed/failed, else the first of finishedOn, processedOn, timestamp. Active jobs are
  only removed when no worker holds their lock. Jobs of a live job scheduler are kept.

  KEYS: <the state's key> meta events
  ARGV:
    [1] B
    [2] state suffix: wait paused active prioritized delayed completed failed
    [3] cut-off (ms): jobs at or before it are removed
    [4] limit (0 = no limit)
  Returns: the removed ids.
  Events: cleaned {count} (also when the count is 0).
]]
--@include common

local B = ARGV[1]
local state = ARGV[2]
local cutoff = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local setKey = KEYS[1]
local removed = {}

local function full()
  return limit > 0 and #removed >= limit
end

local function scheduled(jk)
  local rjk = rcall("HGET", jk, "rjk")
  return rjk and rcall("EXISTS", B .. "repeat:" .. rjk) == 1
end

local function oldEnough(jk)
  local f = rcall("HMGET", jk, "finishedOn", "processedOn", "timestamp")
  local t = tonumber(f[1] or f[2] or f[3])
  return t == nil or t <= cutoff
end

if state == "completed" or state == "failed" then
  local lim = limit
  if lim <= 0 then
    lim = -1
  end
  local ids = rcall("ZRANGEBYSCORE", setKey, "-inf", ARGV[3], "LIMIT", 0, int(lim))
  for _, jobId in ipairs(ids) do
    deleteJobKeys(B, jobId)
    removed[#removed + 1] = jobId
  end
  if #ids > 0 then
    rcall("ZREM", setKey, unpack(ids))
  end
elseif state == "wait" or state == "paused" or state == "active" then
  local ids = rcall("LRANGE", setKey, 0, -1)
  for i = #ids, 1, -1 do
    if full() then
      break
    end
    local jobId = ids[i]
    local jk = B .. jobId
    if string.sub(jobId, 1, 2) ~= "0:" and oldEnough(jk) and not scheduled(jk)
        and (state ~= "active" or rcall("EXISTS", jk .. ":lock") == 0) then
      rcall("LREM", setKey, 1, jobId)
      deleteJobKeys(B, jobId)
      removed[#removed + 1] = jobId
    end
  end
else
  local ids = rcall("ZRANGE", setKey, 0, -1)
  for _, jobId in ipairs(ids) do
    if full() then
      break
    end
    local jk = B .. jobId
    if oldEnough(jk) and not scheduled(jk) then
      rcall("ZREM", setKey, jobId)
      deleteJobKeys(B, jobId)
      removed[#removed + 1] = jobId
    end
  end
end

-- BullMQ announces every clean call, even one that removed nothing.
emit(KEYS[3], maxEvents(KEYS[2]), "cleaned", "count", #removed .. "")
return removed
