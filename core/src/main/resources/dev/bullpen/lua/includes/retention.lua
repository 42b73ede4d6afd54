--[[
  Retention of finished jobs in the completed or failed ZSET (score = finishedOn). Needs
  common.lua. keepAge is in seconds (BullMQ's unit), keepCount < 0 keeps all, keepLimit caps the
  age-based removals of one call. Retention removals emit no event (as in BullMQ).
]]
local function applyRetention(setKey, B, now, keepCount, keepAge, keepLimit)
  if keepAge > 0 then
    local old = rcall("ZRANGEBYSCORE", setKey, 0, int(now - keepAge * 1000), "LIMIT", 0, int(keepLimit))
    if #old > 0 then
      for _, jobId in ipairs(old) do
        deleteJobKeys(B, jobId)
      end
      rcall("ZREM", setKey, unpack(old))
    end
  end
  if keepCount >= 0 then
    local extra = rcall("ZREVRANGE", setKey, int(keepCount), -1)
    if #extra > 0 then
      for _, jobId in ipairs(extra) do
        deleteJobKeys(B, jobId)
      end
      rcall("ZREMRANGEBYRANK", setKey, 0, int(-(keepCount + 1)))
    end
  end
end
