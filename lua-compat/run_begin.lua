-- run_begin.lua: start a reminder run (scheduled or manual).
-- KEYS: 1 T:run:lease  2 T:run:current  3 T:schedule  4 T:run:covered
--       5 T:run:last
-- ARGV: 1 owner token  2 run id  3 as_of (YYYY-MM-DD)  4 dry_run "0"/"1"
--       5 manual "0"/"1"  6 started_at (local ISO)  7 new next_run (unix
--       seconds; "" = leave the schedule alone)  8 lease ms (a positive
--       integer of at most 12 digits)  9... the days the run may catch up
--       (YYYY-MM-DD, oldest first, all before as_of; none: catch-up is off)
-- Returns {"busy"} (a run is in progress, or another owner holds the lease;
--           nothing written) | {"started", window_from}
-- Takes (or refreshes) the lease, creates T:run:current with cursor_day and
-- cursor_member "" and counters total, sent, failed, skipped, unknown, dry 0,
-- and window_from: the first of ARGV 9... after the covered day (KEYS 4; when
-- absent, KEYS 5's as_of if that run was not a dry run), or as_of when none
-- is after it or no day is known as covered.
-- Errors, with nothing written: bad arguments, KEYS 1 or 4 not a string,
-- KEYS 2, 3 or 5 not a hash.
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
local function date(s) return s and string.match(s, '^%d%d%d%d%-%d%d%-%d%d$') ~= nil end
for i = 9, #ARGV do
  if not date(ARGV[i]) or ARGV[i] >= ARGV[3] or (i > 9 and ARGV[i] <= ARGV[i - 1]) then
    return redis.error_reply('ERR run_begin: bad catch-up day')
  end
end
if not typed(KEYS[1], 'string') or not typed(KEYS[2], 'hash') or not typed(KEYS[3], 'hash')
    or not typed(KEYS[4], 'string') or not typed(KEYS[5], 'hash') then
  return redis.error_reply('ERR run_begin: a key holds another type')
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'busy'} end
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= owner then return {'busy'} end
-- Dates as YYYY-MM-DD compare as text, so no calendar is needed here.
local covered = redis.call('GET', KEYS[4])
if not covered then
  local last = redis.call('HMGET', KEYS[5], 'as_of', 'dry_run')
  if last[2] == '0' then covered = last[1] end
end
local from = ARGV[3]
if date(covered) then
  for i = 9, #ARGV do
    if ARGV[i] > covered then from = ARGV[i]; break end
  end
end
redis.call('SET', KEYS[1], owner, 'PX', ms)
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'as_of', ARGV[3], 'dry_run', ARGV[4],
  'manual', ARGV[5], 'started_at', ARGV[6], 'cursor_day', '', 'cursor_member', '',
  'total', 0, 'sent', 0, 'failed', 0, 'skipped', 0, 'unknown', 0, 'dry', 0,
  'window_from', from)
if ARGV[7] ~= '' then redis.call('HSET', KEYS[3], 'next_run', ARGV[7]) end
return {'started', from}
