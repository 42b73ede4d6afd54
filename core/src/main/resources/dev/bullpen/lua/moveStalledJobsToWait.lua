--[[
  moveStalledJobsToWait: the stalled-job check, at most once per stalledInterval for all workers
  of a queue (Node's and ours share the stalled-check throttle key).

  Two-phase, as in BullMQ: every id in active becomes a candidate (SADD stalled); a candidate
  still there on the next check (its worker neither renewed its lock nor finished it) whose lock
  has expired is stalled: it goes back to the front of wait with stc + 1. A job stalled more than
  maxStalledCount times gets defa, so the next worker fails it without running it.

  It also repairs a missing marker: idle workers sleep on the marker and do not poll, so jobs
  that are ready (or delayed) while no marker says so, whatever left them that way, get one
  here and wake a worker within a stalled interval.

  KEYS: stalled wait active stalled-check meta marker events repeat prioritized delayed
  ARGV:
    [1] B
    [2] maxStalledCount
    [3] now (ms)
    [4] stalledInterval (ms)
  Returns: the ids moved back to wait (empty when another worker checked within the interval).
  Events: waiting {jobId, prev=active} then stalled {jobId} per stalled job.
]]
--@include common

local K = {stalled = KEYS[1], wait = KEYS[2], active = KEYS[3], check = KEYS[4], meta = KEYS[5],
  marker = KEYS[6], events = KEYS[7], repeatKey = KEYS[8], prioritized = KEYS[9],
  delayed = KEYS[10]}
local B = ARGV[1]
local maxStalled = tonumber(ARGV[2])

if rcall("EXISTS", K.check) == 1 then
  return {}
end
rcall("SET", K.check, ARGV[3], "PX", ARGV[4])

local maxLen = maxEvents(K.meta)
rcall("XTRIM", K.events, "MAXLEN", "~", maxLen)

local moved = {}
local candidates = rcall("SMEMBERS", K.stalled)
if #candidates > 0 then
  rcall("DEL", K.stalled)
  local blocked = isPausedOrMaxed(K.meta, K.active)
  for _, jobId in ipairs(candidates) do
    if string.sub(jobId, 1, 2) == "0:" then
      rcall("LREM", K.active, 1, jobId)
    elseif rcall("EXISTS", B .. jobId .. ":lock") == 0
        and rcall("LREM", K.active, 1, jobId) > 0 then
      local jk = B .. jobId
      local stc = rcall("HINCRBY", jk, "stc", 1)
      if stc > maxStalled then
        -- Jobs of a live job scheduler may stall any number of times.
        local rjk = rcall("HGET", jk, "rjk")
        local scheduled = rjk and (rcall("EXISTS", B .. "repeat:" .. rjk) == 1
          or rcall("ZSCORE", K.repeatKey, rjk))
        if not scheduled then
          rcall("HSET", jk, "defa", "job stalled more than allowable limit")
        end
      end
      rcall("RPUSH", K.wait, jobId)
      if not blocked then
        markReady(K.marker)
      end
      emit(K.events, maxLen, "waiting", "jobId", jobId, "prev", "active")
      emit(K.events, maxLen, "stalled", "jobId", jobId)
      moved[#moved + 1] = jobId
    end
  end
end

if rcall("EXISTS", K.marker) == 0 then
  if (rcall("LLEN", K.wait) > 0 or rcall("ZCARD", K.prioritized) > 0)
      and not isPausedOrMaxed(K.meta, K.active) then
    markReady(K.marker)
  else
    markNextDelayed(K.marker, K.delayed)
  end
end

local active = rcall("LRANGE", K.active, 0, -1)
for i = 1, #active, 7000 do
  rcall("SADD", K.stalled, unpack(active, i, math.min(i + 6999, #active)))
end
return moved
