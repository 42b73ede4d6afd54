--[[
  getCounts: job counts for the given states in one atomic read. Lists (wait, paused, active) use
  LLEN, the other states ZCARD; a trailing legacy "0:" marker in wait/paused is not counted.

  KEYS: meta (routes the call in a cluster; the counted keys are built from B)
  ARGV:
    [1] B
    [2..] key suffixes: wait paused active prioritized delayed completed failed waiting-children
  Returns: the counts in argument order.
]]
--@include common

local B = ARGV[1]
local counts = {}
for i = 2, #ARGV do
  local suffix = ARGV[i]
  local key = B .. suffix
  if suffix == "wait" or suffix == "paused" or suffix == "active" then
    local n = rcall("LLEN", key)
    if n > 0 and suffix ~= "active" then
      local tail = rcall("LINDEX", key, -1)
      if tail and string.sub(tail, 1, 2) == "0:" then
        n = n - 1
      end
    end
    counts[#counts + 1] = n
  else
    counts[#counts + 1] = rcall("ZCARD", key)
  end
end
return counts
