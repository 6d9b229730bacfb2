-- run_begin.lua: start a reminder run (scheduled or manual).
-- KEYS: 1 T:run:lease  2 T:run:current  3 T:schedule
-- ARGV: 1 owner token  2 run id  3 as_of (YYYY-MM-DD)  4 dry_run "0"/"1"
--       5 manual "0"/"1"  6 started_at (local ISO)  7 new next_run (unix
--       seconds; "" = leave the schedule alone)  8 lease ms (a positive
--       integer of at most 12 digits)
-- Returns {"busy"} (a run is in progress, or another owner holds the lease;
--           nothing written) | {"started"}
-- Takes (or refreshes) the lease, creates T:run:current with cursor_day and
-- cursor_member "" and counters total, sent, failed, skipped, unknown, dry 0.
-- Errors, with nothing written: bad arguments, KEYS 1 not a string, KEYS 2
-- or 3 not a hash.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
local owner, ms = ARGV[1], ARGV[8]
if not owner or owner == '' then return redis.error_reply('ERR run_begin: bad owner') end
if not ARGV[2] or ARGV[2] == '' then return redis.error_reply('ERR run_begin: bad run id') end
if not ARGV[3] or ARGV[3] == '' then return redis.error_reply('ERR run_begin: bad as_of') end
if (ARGV[4] ~= '0' and ARGV[4] ~= '1') or (ARGV[5] ~= '0' and ARGV[5] ~= '1') then
  return redis.error_reply('ERR run_begin: bad dry_run or manual')
end
if not ARGV[6] then return redis.error_reply('ERR run_begin: bad started_at') end
if not ARGV[7] or (ARGV[7] ~= '' and not string.match(ARGV[7], '^-?%d+$')) then
  return redis.error_reply('ERR run_begin: bad next_run')
end
if not ms or not string.match(ms, '^[1-9]%d*$') or #ms > 12 then
  return redis.error_reply('ERR run_begin: bad lease ms')
end
if not typed(KEYS[1], 'string') or not typed(KEYS[2], 'hash') or not typed(KEYS[3], 'hash') then
  return redis.error_reply('ERR run_begin: a key holds another type')
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'busy'} end
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= owner then return {'busy'} end
redis.call('SET', KEYS[1], owner, 'PX', ms)
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'as_of', ARGV[3], 'dry_run', ARGV[4],
  'manual', ARGV[5], 'started_at', ARGV[6], 'cursor_day', '', 'cursor_member', '',
  'total', 0, 'sent', 0, 'failed', 0, 'skipped', 0, 'unknown', 0, 'dry', 0)
if ARGV[7] ~= '' then redis.call('HSET', KEYS[3], 'next_run', ARGV[7]) end
return {'started'}
