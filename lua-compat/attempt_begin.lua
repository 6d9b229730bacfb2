-- attempt_begin.lua: claim one vehicle's reminder send before calling the gateway.
-- KEYS: 1 T:run:lease  2 T:attempt:<vehicle>  3 T:vehicle:<vehicle>
--       4 (optional) T:optout:<phone>: the normalised phone to be sent to
-- ARGV: 1 owner token  2 run id  3 cycle (the next_visit_date reminded for)
--       4 now (stored as started_at)  5 attempt ttl seconds (a positive
--       integer of at most 12 digits)
--       6 mode "once"|"daily"  7 today (YYYY-MM-DD)
-- Returns {"lost"} (the lease is not this owner's)
--   | {"opted_out"} (KEYS 4 exists: the phone was suppressed, also while the
--     run was going)
--   | {"reminded"} (once: reminded_for == cycle; daily: reminded_on == today)
--   | {"in_flight", run, started_at} (an attempt exists; it is kept)
--   | {"ok"} (T:attempt:<vehicle> = cycle, run, started_at, owner, expiring
--     after ttl)
-- Errors, with nothing written: bad arguments, KEYS 1 not a string, KEYS 2
-- or 3 not a hash.
local owner, mode, ttl = ARGV[1], ARGV[6], ARGV[5]
if not owner or owner == '' then return redis.error_reply('ERR attempt_begin: bad owner') end
if not ARGV[2] or ARGV[2] == '' then return redis.error_reply('ERR attempt_begin: bad run id') end
if not ARGV[3] or not ARGV[4] or not ARGV[7] then
  return redis.error_reply('ERR attempt_begin: missing arguments')
end
-- EXPIRE comes after HSET: a ttl Redis would refuse must be caught here.
if not ttl or not string.match(ttl, '^[1-9]%d*$') or #ttl > 12 then
  return redis.error_reply('ERR attempt_begin: bad ttl')
end
if mode ~= 'once' and mode ~= 'daily' then return redis.error_reply('ERR attempt_begin: bad mode') end
if redis.call('GET', KEYS[1]) ~= owner then return {'lost'} end
if KEYS[4] and redis.call('EXISTS', KEYS[4]) == 1 then return {'opted_out'} end
local v = redis.call('HMGET', KEYS[3], 'reminded_for', 'reminded_on')
if (mode == 'once' and v[1] == ARGV[3]) or (mode == 'daily' and v[2] == ARGV[7]) then
  return {'reminded'}
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  local a = redis.call('HMGET', KEYS[2], 'run', 'started_at')
  return {'in_flight', a[1], a[2]}
end
redis.call('HSET', KEYS[2], 'cycle', ARGV[3], 'run', ARGV[2], 'started_at', ARGV[4], 'owner', owner)
redis.call('EXPIRE', KEYS[2], ttl)
return {'ok'}
