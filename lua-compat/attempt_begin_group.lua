-- attempt_begin_group.lua: claim the vehicles of one grouped message (one
-- customer's, wa_report_group_by customer) before calling the gateway:
-- attempt_begin.lua's rules for each vehicle, all decided before any mark
-- is written.
-- KEYS: 1 T:run:lease  2 T:optout:<phone> (the normalised phone sent to)
--       then two per vehicle: T:attempt:<vehicle>  T:vehicle:<vehicle>
-- ARGV: 1 owner token  2 run id  3 now (stored as started_at)  4 attempt ttl
--       seconds (a positive integer of at most 12 digits)  5 mode
--       "once"|"daily"  6 today (YYYY-MM-DD)  then one per vehicle: the
--       cycle (the next_visit_date reminded for)
-- Returns {"lost"} (the lease is not this owner's)
--   | {"opted_out"} (KEYS 2 exists: nothing marked)
--   | {"ok", then two per vehicle: status, run}: status "ok" (marked as
--     attempt_begin.lua marks), "reminded" (once: reminded_for == cycle;
--     daily: reminded_on == today) or "in_flight" (an attempt exists and is
--     kept; run: the run that made it, else "")
-- Errors, with nothing written: bad arguments, KEYS 1 not a string, a
-- vehicle's keys not hashes.
local owner, run, now, ttl, mode, today = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local n = (#KEYS - 2) / 2
if n < 1 or n ~= math.floor(n) or #ARGV ~= 6 + n then
  return redis.error_reply('ERR attempt_begin_group: need 2 keys and 1 cycle per vehicle')
end
if not owner or owner == '' then return redis.error_reply('ERR attempt_begin_group: bad owner') end
if not run or run == '' then return redis.error_reply('ERR attempt_begin_group: bad run id') end
if not now or not today then return redis.error_reply('ERR attempt_begin_group: missing arguments') end
if not ttl or not string.match(ttl, '^[1-9]%d*$') or #ttl > 12 then
  return redis.error_reply('ERR attempt_begin_group: bad ttl')
end
if mode ~= 'once' and mode ~= 'daily' then
  return redis.error_reply('ERR attempt_begin_group: bad mode')
end
if redis.call('GET', KEYS[1]) ~= owner then return {'lost'} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'opted_out'} end
local out, marks = {'ok'}, {}
for i = 1, n do
  local attempt, vehicle, cycle = KEYS[1 + 2 * i], KEYS[2 + 2 * i], ARGV[6 + i]
  local v = redis.call('HMGET', vehicle, 'reminded_for', 'reminded_on')
  local a = redis.call('HMGET', attempt, 'run')
  if (mode == 'once' and v[1] == cycle) or (mode == 'daily' and v[2] == today) then
    out[#out + 1], out[#out + 2] = 'reminded', ''
  elseif redis.call('EXISTS', attempt) == 1 then
    out[#out + 1], out[#out + 2] = 'in_flight', a[1] or ''
  else
    out[#out + 1], out[#out + 2] = 'ok', ''
    marks[#marks + 1] = {attempt, cycle}
  end
end
for _, m in ipairs(marks) do
  redis.call('HSET', m[1], 'cycle', m[2], 'run', run, 'started_at', now, 'owner', owner)
  redis.call('EXPIRE', m[1], ttl)
end
return out
