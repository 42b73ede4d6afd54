--[[
  fenceCheck: records a leader's fencing token in the queue's fence before a maintenance step
  made of other scripts (retention cleanup), and says whether the token is still current.

  KEYS: (the queue's fence) fence
  ARGV:
    [1] fencing token
  Returns: 1 when the token is the newest seen, 0 when a newer leader has written.
]]
--@include fenceToken

if fenceAccepts(KEYS[1], ARGV[1]) then
  return 1
end
return 0
