--[[
  getState: the state of one job, in BullMQ's order of checks.

  KEYS: completed failed delayed prioritized active wait paused waiting-children
  ARGV:
    [1] jobId
  Returns: completed | failed | delayed | prioritized | active | waiting | waiting-children |
    unknown ("waiting" for both wait and the legacy paused list).
]]
--@include common

local jobId = ARGV[1]
if rcall("ZSCORE", KEYS[1], jobId) then
  return "completed"
end
if rcall("ZSCORE", KEYS[2], jobId) then
  return "failed"
end
if rcall("ZSCORE", KEYS[3], jobId) then
  return "delayed"
end
if rcall("ZSCORE", KEYS[4], jobId) then
  return "prioritized"
end
-- LPOS needs Redis 6.0.6; every server we support has it.
if rcall("LPOS", KEYS[5], jobId) then
  return "active"
end
if rcall("LPOS", KEYS[6], jobId) or rcall("LPOS", KEYS[7], jobId) then
  return "waiting"
end
if rcall("ZSCORE", KEYS[8], jobId) then
  return "waiting-children"
end
return "unknown"
