--[[
  fencedMetrics: adds finished jobs to BullMQ's per-minute metrics (FORMAT.md 1.2, 4.3 step 12),
  written by the coordinator leader instead of by every worker, exactly once per finish event.

  For each job it does what BullMQ's collectMetrics does when that job finishes: the counter grows
  by one; when the minute changed since prevTS, the jobs counted since then become the data point
  of prevTS's minute, followed by a zero for every minute without jobs (newest first, capped at
  maxDataPoints). BullMQ's getMetrics and Bull Board read the result.

  Exactly once: the events-stream id of the last finish counted is kept in the cursor key (for 30
  days after the last write); finish events at or before it are skipped, so a new leader may
  resend what its predecessor counted.

  KEYS: (the queue's fence) fence (last counted event id) cursor
        metrics:completed metrics:completed:data metrics:failed metrics:failed:data
  ARGV:
    [1] fencing token
    [2] maxDataPoints
    then quadruples, in stream order: event id ms, event id sequence, finish timestamp (epoch ms),
    "c" (completed) or "f" (failed)
  Returns: jobs counted, or -1 when the token is older than one the queue has seen.
]]
--@include fenceToken

if not fenceAccepts(KEYS[1], ARGV[1]) then
  return -1
end
local maxPoints = tonumber(ARGV[2])

local cursorMs, cursorSeq = -1, -1
local cursor = redis.call("GET", KEYS[2])
if cursor then
  local dash = string.find(cursor, "-", 1, true)
  cursorMs = tonumber(string.sub(cursor, 1, dash - 1))
  cursorSeq = tonumber(string.sub(cursor, dash + 1))
end

local function collect(meta, data, ts)
  local before = redis.call("HINCRBY", meta, "count", 1) - 1
  local prevTS = redis.call("HGET", meta, "prevTS")
  if not prevTS then
    redis.call("HSET", meta, "prevTS", ts, "prevCount", 0)
    return
  end
  local gap = math.min(math.floor(ts / 60000) - math.floor(tonumber(prevTS) / 60000), maxPoints)
  if gap > 0 then
    local prevCount = tonumber(redis.call("HGET", meta, "prevCount") or "0")
    redis.call("LPUSH", data, before - prevCount)
    local zeros = gap - 1
    while zeros > 0 do
      local chunk = {}
      for j = 1, math.min(zeros, 1000) do
        chunk[j] = 0
      end
      redis.call("LPUSH", data, unpack(chunk))
      zeros = zeros - #chunk
    end
    redis.call("LTRIM", data, 0, maxPoints - 1)
    redis.call("HSET", meta, "prevCount", before, "prevTS", ts)
  end
end

local counted = 0
local lastMs, lastSeq = cursorMs, cursorSeq
for i = 3, #ARGV, 4 do
  local ms, seq = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  if ms > lastMs or (ms == lastMs and seq > lastSeq) then
    if ARGV[i + 3] == "c" then
      collect(KEYS[3], KEYS[4], tonumber(ARGV[i + 2]))
    else
      collect(KEYS[5], KEYS[6], tonumber(ARGV[i + 2]))
    end
    lastMs, lastSeq = ms, seq
    counted = counted + 1
  end
end
if counted > 0 then
  redis.call("SET", KEYS[2], lastMs .. "-" .. lastSeq, "PX", 2592000000)
end
return counted
