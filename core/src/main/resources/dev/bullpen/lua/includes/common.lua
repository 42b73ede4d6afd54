--[[
  Helpers shared by nearly every script.

  Conventions (all scripts):
  - K is a table of the queue's keys by suffix, built from KEYS in the order the script's header
    lists them; B is the queue's base key "P:Q:" (job keys are B .. jobId).
  - Times are milliseconds from the caller's clock, never Redis TIME (FORMAT.md 3.5).
  - Ids are strings; numbers are turned into strings by concatenation before they become ids.
]]
local rcall = redis.call

-- Integer to decimal text. Newer Redis builds render Lua numbers passed to commands in shortest
-- form ("3e+08"), which breaks ids, TTLs and fields that readers parse as integers.
local function int(x)
  return string.format("%.0f", x)
end

-- Approximate cap of the events stream, as decimal text (it is only ever passed to XADD/XTRIM). BullMQ scripts write the default when it is missing, so
-- a queue that only Bullpen touched looks the same to BullMQ tools.
local function maxEvents(metaKey)
  local n = rcall("HGET", metaKey, "opts.maxLenEvents")
  if not n then
    rcall("HSET", metaKey, "opts.maxLenEvents", "10000")
    return "10000"
  end
  return n
end

-- Appends one event; trimming is approximate (whole radix nodes), so it costs next to nothing.
local function emit(eventsKey, maxLen, name, ...)
  rcall("XADD", eventsKey, "MAXLEN", "~", maxLen, "*", "event", name, ...)
end

-- Paused (meta.paused exists) or maxed (global concurrency reached): no marker, no fetch.
local function isPausedOrMaxed(metaKey, activeKey)
  local f = rcall("HMGET", metaKey, "paused", "concurrency")
  if f[1] then
    return true
  end
  if f[2] then
    return rcall("LLEN", activeKey) >= tonumber(f[2])
  end
  return false
end

-- Member "0" with score 0 wakes blocked workers (BullMQ's and ours alike).
local function markReady(markerKey)
  rcall("ZADD", markerKey, 0, "0")
end

-- Member "1" scored with the earliest delayed due time tells workers how long they may sleep.
local function markNextDelayed(markerKey, delayedKey)
  local first = rcall("ZRANGE", delayedKey, 0, 0, "WITHSCORES")
  if first[2] then
    rcall("ZADD", markerKey, int(math.floor(tonumber(first[2]) / 4096)), "1")
  end
end

-- Earliest delayed due time in ms, or 0 when nothing is delayed.
local function nextDelayedDue(delayedKey)
  local first = rcall("ZRANGE", delayedKey, 0, 0, "WITHSCORES")
  if first[2] then
    return math.floor(tonumber(first[2]) / 4096)
  end
  return 0
end

-- Delayed score: due * 4096 plus a sequence that keeps FIFO order within one millisecond.
local function delayedScore(delayedKey, due)
  local low = due * 4096
  local high = low + 4095
  local top = rcall("ZREVRANGEBYSCORE", delayedKey, int(high), int(low), "WITHSCORES", "LIMIT", 0, 1)
  if top[2] then
    local s = tonumber(top[2]) + 1
    if s > high then
      s = high
    end
    return s
  end
  return low
end

-- Prioritized score: priority * 2^32 plus a counter for FIFO within one priority; counter 0
-- (front = true) puts the job ahead of its peers.
local function priorityScore(pcKey, priority, front)
  if front then
    return priority * 4294967296
  end
  local c = rcall("INCR", pcKey)
  return priority * 4294967296 + (c % 4294967296)
end

-- Puts a ready job into wait (back = LPUSH, front = RPUSH) or into prioritized.
local function pushReady(K, jobId, priority, front)
  if priority > 0 then
    rcall("ZADD", K.prioritized, int(priorityScore(K.pc, priority, front)), jobId)
  elseif front then
    rcall("RPUSH", K.wait, jobId)
  else
    rcall("LPUSH", K.wait, jobId)
  end
end

-- Releases the deduplication key of a job that finished: a simple key (no TTL) still pointing
-- at the job goes; a throttle key (live TTL) stays until it expires.
local function releaseDedupKey(B, jobId, deid)
  local dk = B .. "de:" .. deid
  local pttl = rcall("PTTL", dk)
  if pttl == 0 or (pttl == -1 and rcall("GET", dk) == jobId) then
    rcall("DEL", dk)
  end
end

-- Deletes a job's hash and sub-keys in one DEL (the lock is not one of them, as in BullMQ).
local function deleteJobKeys(B, jobId)
  local jk = B .. jobId
  rcall("DEL", jk, jk .. ":logs", jk .. ":dependencies", jk .. ":processed", jk .. ":failed",
    jk .. ":unsuccessful")
end

-- Lock check before a worker moves its job: 0 when the token matches (the lock is released),
-- -2 when there is no lock, -6 when someone else holds it. Token "0" skips the check.
local function releaseLock(K, B, jobId, token)
  if token == "0" then
    return 0
  end
  local lockKey = B .. jobId .. ":lock"
  local held = rcall("GET", lockKey)
  if held == token then
    rcall("DEL", lockKey)
    rcall("SREM", K.stalled, jobId)
    return 0
  end
  if held then
    return -6
  end
  return -2
end
