--[[
  extendLocks: renews the locks a worker holds, all in one call, and clears them from the stall
  candidates.

  KEYS: stalled
  ARGV:
    [1] B
    [2] lock duration (ms)
    then pairs: jobId, token
  Returns: the ids whose lock is gone or held by another token (the worker has lost them).
]]
--@include common

local B = ARGV[1]
local lost = {}
for i = 3, #ARGV, 2 do
  local jobId = ARGV[i]
  local lockKey = B .. jobId .. ":lock"
  if rcall("GET", lockKey) == ARGV[i + 1] then
    rcall("SET", lockKey, ARGV[i + 1], "PX", ARGV[2])
    rcall("SREM", KEYS[1], jobId)
  else
    lost[#lost + 1] = jobId
  end
end
return lost
