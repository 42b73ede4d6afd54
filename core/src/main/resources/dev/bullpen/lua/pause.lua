--[[
  pause: pauses or resumes the whole queue (v6 semantics: jobs stay in wait, only meta.paused is
  set and the marker removed). Resume also merges a legacy v5 `paused` list into wait, at most
  7000 ids per call; the caller repeats until 0 is returned.

  KEYS: wait paused meta prioritized delayed marker events active
  ARGV:
    [1] "pause" or "resume"
    [2] emit the event ("1" or "0"; a repeated resume call emits nothing)
  Returns: ids still left in the legacy paused list (always 0 for pause).
  Events: paused | resumed.
]]
--@include common

local K = {wait = KEYS[1], paused = KEYS[2], meta = KEYS[3], prioritized = KEYS[4],
  delayed = KEYS[5], marker = KEYS[6], events = KEYS[7], active = KEYS[8]}
local maxLen = maxEvents(K.meta)

if ARGV[1] == "pause" then
  rcall("HSET", K.meta, "paused", 1)
  rcall("DEL", K.marker)
  if ARGV[2] == "1" then
    emit(K.events, maxLen, "paused")
  end
  return 0
end

rcall("HDEL", K.meta, "paused")
local left = rcall("LLEN", K.paused)
if left > 0 then
  if rcall("EXISTS", K.wait) == 0 then
    rcall("RENAME", K.paused, K.wait)
    left = 0
  else
    -- BullMQ's order: the head of the legacy list first, each appended at the front end of
    -- wait (RPUSH), so the oldest paused job (the legacy list's tail) runs first.
    local chunk = rcall("LRANGE", K.paused, 0, 6999)
    rcall("RPUSH", K.wait, unpack(chunk))
    rcall("LTRIM", K.paused, #chunk, -1)
    left = rcall("LLEN", K.paused)
  end
end
if rcall("LLEN", K.wait) + rcall("ZCARD", K.prioritized) > 0 then
  if not isPausedOrMaxed(K.meta, K.active) then
    markReady(K.marker)
  end
else
  markNextDelayed(K.marker, K.delayed)
end
if ARGV[2] == "1" then
  emit(K.events, maxLen, "resumed")
end
return left
