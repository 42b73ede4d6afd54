--[[
  jobTimings: reads the timestamps of many jobs of one queue in one call (read only).

  KEYS: (only routes the call to the queue's node in a cluster; job keys are built from B,
        as BullMQ's scripts do) meta
  ARGV:
    [1] B (the queue's key base, "prefix:queue:")
    then job ids
  Returns: for each id, four strings: timestamp, delay, processedOn, finishedOn ("" when the job
  or the field is missing).
]]
local out = {}
for i = 2, #ARGV do
  local v = redis.call("HMGET", ARGV[1] .. ARGV[i], "timestamp", "delay", "processedOn",
    "finishedOn")
  for j = 1, 4 do
    out[#out + 1] = v[j] or ""
  end
end
return out
