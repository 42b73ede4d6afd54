--[[
  obliterate: deletes a paused queue and all its jobs, at most `count` jobs per call; the caller
  repeats until 0 comes back. Refuses while jobs are active unless forced.

  KEYS: meta active delayed repeat completed wait paused prioritized failed waiting-children
    events stalled-check stalled id pc marker limiter
  ARGV:
    [1] B
    [2] count (jobs per call)
    [3] force ("1" = also remove active jobs)
  Returns: 0 done, 1 more to do, -1 the queue is not paused, -2 active jobs and no force.
]]
--@include common

local B = ARGV[1]
local budget = tonumber(ARGV[2])
if rcall("HEXISTS", KEYS[1], "paused") == 0 then
  return -1
end
if ARGV[3] ~= "1" and rcall("LLEN", KEYS[2]) > 0 then
  return -2
end

local function removeFrom(key, isList)
  if budget <= 0 then
    return
  end
  local ids
  if isList then
    ids = rcall("LRANGE", key, -budget, -1)
  else
    ids = rcall("ZRANGE", key, 0, budget - 1)
  end
  for _, jobId in ipairs(ids) do
    if string.sub(jobId, 1, 2) ~= "0:" then
      deleteJobKeys(B, jobId)
      rcall("DEL", B .. jobId .. ":lock")
    end
  end
  if #ids > 0 then
    if isList then
      rcall("LTRIM", key, 0, -(#ids + 1))
    else
      rcall("ZREM", key, unpack(ids))
    end
  end
  budget = budget - #ids
end

removeFrom(KEYS[2], true)
removeFrom(KEYS[3], false)
-- Job schedulers: their hashes go with the index.
if budget > 0 then
  local ids = rcall("ZRANGE", KEYS[4], 0, budget - 1)
  for _, id in ipairs(ids) do
    rcall("DEL", B .. "repeat:" .. id)
  end
  if #ids > 0 then
    rcall("ZREM", KEYS[4], unpack(ids))
  end
  budget = budget - #ids
end
removeFrom(KEYS[5], false)
removeFrom(KEYS[6], true)
removeFrom(KEYS[7], true)
removeFrom(KEYS[8], false)
removeFrom(KEYS[9], false)
removeFrom(KEYS[10], false)
if budget <= 0 then
  return 1
end
rcall("DEL", KEYS[11], KEYS[12], KEYS[13], KEYS[14], KEYS[15], KEYS[16], KEYS[17], KEYS[1],
  KEYS[4], B .. "delay", B .. "metrics:completed", B .. "metrics:completed:data",
  B .. "metrics:failed", B .. "metrics:failed:data")
return 0
