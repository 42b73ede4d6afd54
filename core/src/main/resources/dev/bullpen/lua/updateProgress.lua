--[[
  updateProgress: stores a job's progress (JSON text) and announces it.

  KEYS: meta events
  ARGV:
    [1] B
    [2] jobId
    [3] progress (JSON text: number, object, string or boolean)
  Returns: 0, or -1 when the job does not exist.
  Events: progress {jobId, data}.
]]
--@include common

local jk = ARGV[1] .. ARGV[2]
if rcall("EXISTS", jk) == 0 then
  return -1
end
rcall("HSET", jk, "progress", ARGV[3])
emit(KEYS[2], maxEvents(KEYS[1]), "progress", "jobId", ARGV[2], "data", ARGV[3])
return 0
