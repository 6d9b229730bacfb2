-- run_finish.lua: end the run in progress and keep it as the last run.
-- KEYS: 1 T:run:lease  2 T:run:current  3 T:run:last  4 T:stats
--       5 T:run:<id>:result  6 T:run:covered
-- ARGV: 1 owner token  2 finished_at (local ISO)  3 the run's id
--       4 result ttl seconds (a positive integer of at most 12 digits)
-- Returns {"lost"} (the lease is not this owner's, or no run is in progress,
--           or the run in progress is another one; nothing written)
--   | {"finished", total, sent, failed, skipped, unknown, dry} (integers):
--     T:run:last = T:run:current plus finished_at and customers (T:stats
--     customers: what run-now answers as total_customers); KEYS 5 holds the
--     same fields and expires after the ttl, so that whoever waits for this
--     run finds its result after a later run; run:current and the lease are
--     deleted. A run that was not a dry run moves KEYS 6 (the last day a
--     finished run covered, YYYY-MM-DD: where the next run's catch-up
--     starts) forward to its as_of; never back.
-- Errors, with nothing written: bad arguments, KEYS 1 or 6 not a string,
-- KEYS 2 or 4 not a hash (all found by reads that come before the first
-- write).
if not ARGV[1] or ARGV[1] == '' then return redis.error_reply('ERR run_finish: bad owner') end
if not ARGV[2] then return redis.error_reply('ERR run_finish: bad finished_at') end
if not ARGV[3] or ARGV[3] == '' then return redis.error_reply('ERR run_finish: bad run id') end
local ttl = ARGV[4]
if not ttl or not string.match(ttl, '^[1-9]%d*$') or #ttl > 12 then
  return redis.error_reply('ERR run_finish: bad ttl')
end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'lost'} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'lost'} end
if redis.call('HGET', KEYS[2], 'id') ~= ARGV[3] then return {'lost'} end
local t6 = redis.call('TYPE', KEYS[6]).ok
if t6 ~= 'none' and t6 ~= 'string' then
  return redis.error_reply('ERR run_finish: a key holds another type')
end
local run = redis.call('HMGET', KEYS[2], 'as_of', 'dry_run')
local covered = redis.call('GET', KEYS[6])
local c = redis.call('HMGET', KEYS[2], 'total', 'sent', 'failed', 'skipped', 'unknown', 'dry')
local customers = tonumber(redis.call('HGET', KEYS[4], 'customers')) or 0
redis.call('DEL', KEYS[3])
redis.call('RENAME', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[3], 'finished_at', ARGV[2], 'customers', customers)
redis.call('DEL', KEYS[5])
redis.call('HSET', KEYS[5], unpack(redis.call('HGETALL', KEYS[3])))
redis.call('EXPIRE', KEYS[5], ttl)
if run[2] == '0' and run[1] and (not covered or run[1] > covered) then
  redis.call('SET', KEYS[6], run[1])
end
redis.call('DEL', KEYS[1])
local out = {'finished'}
for i = 1, 6 do out[i + 1] = tonumber(c[i]) or 0 end
return out
