--[[
  fencedTrim: the leader's event-stream trimming, refused to a stale leader.

  KEYS: (the queue's fence) fence events
  ARGV:
    [1] fencing token
    [2] max length (approximate trimming, like BullMQ's own)
  Returns: entries removed, or -1 when the token is older than one the queue has seen.
]]
--@include fenceToken

if not fenceAccepts(KEYS[1], ARGV[1]) then
  return -1
end
return redis.call("XTRIM", KEYS[2], "MAXLEN", "~", ARGV[2])
