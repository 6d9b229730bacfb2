-- run_finish.lua: end the run in progress and keep it as the last run.
-- KEYS: 1 T:run:lease  2 T:run:current  3 T:run:last
-- ARGV: 1 owner token  2 finished_at (local ISO)
-- Returns {"lost"} (the lease is not this owner's, or no run is in progress;
--           nothing written)
--   | {"finished", total, sent, failed, skipped, unknown, dry} (integers):
--     T:run:last = T:run:current plus finished_at; run:current and the lease
--     are deleted.
-- Errors, with nothing written: bad arguments, KEYS 1 not a string, KEYS 2
-- not a hash (both found by reads that come before the first write).
if not ARGV[1] or ARGV[1] == '' then return redis.error_reply('ERR run_finish: bad owner') end
if not ARGV[2] then return redis.error_reply('ERR run_finish: bad finished_at') end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'lost'} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'lost'} end
local c = redis.call('HMGET', KEYS[2], 'total', 'sent', 'failed', 'skipped', 'unknown', 'dry')
redis.call('DEL', KEYS[3])
redis.call('RENAME', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[3], 'finished_at', ARGV[2])
redis.call('DEL', KEYS[1])
local out = {'finished'}
for i = 1, 6 do out[i + 1] = tonumber(c[i]) or 0 end
return out
