--[[
  drain: removes every job that is waiting to run (wait, the legacy paused list, prioritized, and
  delayed when asked), with its keys. Active and finished jobs stay. Jobs of a live job scheduler
  are kept.

  KEYS: wait paused prioritized delayed pc meta
  ARGV:
    [1] B
    [2] include delayed ("1" or "0")
  Returns: the number of jobs removed. No event (as in BullMQ).
]]
--@include common

local B = ARGV[1]
local count = 0

local function keep(jobId)
  local rjk = rcall("HGET", B .. jobId, "rjk")
  return rjk and rcall("EXISTS", B .. "repeat:" .. rjk) == 1
end

local function drainKey(key, isList)
  local ids
  if isList then
    ids = rcall("LRANGE", key, 0, -1)
  else
    ids = rcall("ZRANGE", key, 0, -1)
  end
  local kept = {}
  for _, jobId in ipairs(ids) do
    if string.sub(jobId, 1, 2) ~= "0:" and keep(jobId) then
      kept[#kept + 1] = jobId
    else
      if string.sub(jobId, 1, 2) ~= "0:" then
        deleteJobKeys(B, jobId)
        count = count + 1
      end
      if isList then
        rcall("LREM", key, 0, jobId)
      else
        rcall("ZREM", key, jobId)
      end
    end
  end
end

drainKey(KEYS[1], true)
drainKey(KEYS[2], true)
drainKey(KEYS[3], false)
if rcall("ZCARD", KEYS[3]) == 0 then
  rcall("DEL", KEYS[5])
end
if ARGV[2] == "1" then
  drainKey(KEYS[4], false)
end
return count
