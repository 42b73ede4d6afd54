--[[
  Moves delayed jobs that are due (score <= (now+1)*4096-1) to wait or prioritized, at most 1000
  per call, in due order. Runs even while the queue is paused. Needs common.lua.
  Events: waiting {jobId, prev=delayed} per job.
  Returns the number of jobs promoted.
]]
local function promoteDelayed(K, B, now, maxLen)
  local due = rcall("ZRANGEBYSCORE", K.delayed, 0, int((now + 1) * 4096 - 1), "LIMIT", 0, 1000)
  if #due == 0 then
    return 0
  end
  rcall("ZREM", K.delayed, unpack(due))
  for _, jobId in ipairs(due) do
    local jk = B .. jobId
    local priority = tonumber(rcall("HGET", jk, "priority")) or 0
    pushReady(K, jobId, priority, false)
    rcall("HSET", jk, "delay", 0)
    emit(K.events, maxLen, "waiting", "jobId", jobId, "prev", "delayed")
  end
  return #due
end
