--[[
  addLog: appends a row to a job's log, keeping only the newest keepLogs rows when asked.

  KEYS: meta (routes the call in a cluster; the log key is built from B)
  ARGV:
    [1] B
    [2] jobId
    [3] the row (text)
    [4] keepLogs (0 = keep all)
  Returns: the number of rows, or -1 when the job does not exist.
]]
--@include common

local jk = ARGV[1] .. ARGV[2]
if rcall("EXISTS", jk) == 0 then
  return -1
end
local n = rcall("RPUSH", jk .. ":logs", ARGV[3])
local keep = tonumber(ARGV[4])
if keep > 0 and n > keep then
  rcall("LTRIM", jk .. ":logs", -keep, -1)
  n = keep
end
return n
