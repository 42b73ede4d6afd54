--[[
  removeJob: removes a job that no worker holds, from whatever state it is in, with its keys.

  KEYS: wait active paused prioritized delayed completed failed waiting-children stalled meta events
  ARGV:
    [1] B
    [2] jobId
  Returns: 1 removed, 0 locked (a worker holds it), -1 no such job.
  Events: removed {jobId, prev = the key it was in: wait, paused, active, prioritized, delayed,
    completed, failed or waiting-children}.
]]
--@include common

local B = ARGV[1]
local jobId = ARGV[2]
local jk = B .. jobId
if rcall("EXISTS", jk) == 0 then
  return -1
end
if rcall("EXISTS", jk .. ":lock") == 1 then
  return 0
end
local prev = "unknown"
-- prev names the key the job was in, as BullMQ reports it ("wait", "paused", ...).
local lists = {{KEYS[1], "wait"}, {KEYS[2], "active"}, {KEYS[3], "paused"}}
for _, l in ipairs(lists) do
  if rcall("LREM", l[1], 0, jobId) > 0 and prev == "unknown" then
    prev = l[2]
  end
end
local sets = {{KEYS[4], "prioritized"}, {KEYS[5], "delayed"}, {KEYS[6], "completed"},
  {KEYS[7], "failed"}, {KEYS[8], "waiting-children"}}
for _, z in ipairs(sets) do
  if rcall("ZREM", z[1], jobId) > 0 and prev == "unknown" then
    prev = z[2]
  end
end
rcall("SREM", KEYS[9], jobId)
local deid = rcall("HGET", jk, "deid")
if deid and rcall("GET", B .. "de:" .. deid) == jobId then
  rcall("DEL", B .. "de:" .. deid)
end
deleteJobKeys(B, jobId)
emit(KEYS[11], maxEvents(KEYS[10]), "removed", "jobId", jobId, "prev", prev)
return 1
