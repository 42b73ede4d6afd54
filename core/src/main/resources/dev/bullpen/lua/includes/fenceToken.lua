--[[
  Fencing (Kleppmann's fencing tokens): a coordinator leader passes the token it got from the
  leader lock; the queue remembers the highest token it has seen, in its own slot, and refuses
  a smaller one. A leader that lost its lock without knowing it (a long pause) is refused as
  soon as a newer leader has written once, even where the lock key lives in another slot.
]]
local function fenceAccepts(fenceKey, token)
  local seen = tonumber(redis.call("GET", fenceKey) or "0")
  local t = tonumber(token)
  if t < seen then
    return false
  end
  -- Kept 30 days after the last leader write, so an abandoned queue's fence goes away.
  redis.call("SET", fenceKey, math.max(t, seen), "PX", 2592000000)
  return true
end
