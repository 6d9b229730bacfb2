-- tick.lua: one scheduler tick; decides whether this worker resumes or starts a run.
-- KEYS: 1 T:schedule  2 T:run:lease  3 T:run:current
-- ARGV: 1 now (unix seconds)  2 owner token  3 lease ms (>= 1)
--       4 default enabled "0"/"1"  5 default hour (0-23)  6 default minute (0-59)
--       7 default next_run (unix seconds)
--       Numbers are integers as Redis writes them (no "7.0", "1e3" or "07"),
--       of at most 12 digits.
--       8 the same default schedule as nginx.conf spells it, "HH:MM on" or
--       "HH:MM off"
-- Returns {"resume"} (a run is in progress and its lease had expired: this
--           owner now holds the lease and resumes it)
--   | {"busy"} (another runner holds the lease)
--   | {"paused", paused_until} (the run paused at its send window's close:
--           nobody resumes it before paused_until, unix seconds; the
--           resume after it deletes the field)
--   | {"due", hour, minute, next_run} (the schedule is due: this owner holds
--           the lease and starts a run)
--   | {"idle", enabled, hour, minute, next_run}
-- Schedule fields missing from T:schedule (all of them when it does not exist)
-- are first set from the defaults; values are returned as stored (strings).
-- A T:schedule created here also records ARGV 8 as its `config` (the
-- schedule applied) and "nginx.conf" as its `source`.
-- Errors, with nothing written: bad arguments, KEYS 1 or 3 not a hash,
-- KEYS 2 not a string.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
local function int(s, lo, hi)
  local digits = s and string.match(s, '^-?([1-9]%d*)$')
  if s ~= '0' and not (digits and #digits <= 12) then return false end
  local n = tonumber(s)
  return (not lo or n >= lo) and (not hi or n <= hi)
end
local now, owner, ms = tonumber(ARGV[1]), ARGV[2], ARGV[3]
if not int(ARGV[1]) then return redis.error_reply('ERR tick: bad now') end
if not owner or owner == '' then return redis.error_reply('ERR tick: bad owner') end
if not int(ARGV[3], 1) then return redis.error_reply('ERR tick: bad lease ms') end
if ARGV[4] ~= '0' and ARGV[4] ~= '1' then return redis.error_reply('ERR tick: bad enabled') end
if not int(ARGV[5], 0, 23) or not int(ARGV[6], 0, 59) or not int(ARGV[7]) then
  return redis.error_reply('ERR tick: bad default schedule')
end
if not ARGV[8] or not string.match(ARGV[8], '^%d%d:%d%d o[nf]f?$') then
  return redis.error_reply('ERR tick: bad default schedule')
end
if not typed(KEYS[1], 'hash') or not typed(KEYS[2], 'string') or not typed(KEYS[3], 'hash') then
  return redis.error_reply('ERR tick: a key holds another type')
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'config', ARGV[8], 'source', 'nginx.conf')
end
local defaults = {'enabled', ARGV[4], 'hour', ARGV[5], 'minute', ARGV[6], 'next_run', ARGV[7]}
for i = 1, #defaults, 2 do redis.call('HSETNX', KEYS[1], defaults[i], defaults[i + 1]) end
local s = redis.call('HMGET', KEYS[1], 'enabled', 'hour', 'minute', 'next_run')
local held = redis.call('EXISTS', KEYS[2]) == 1
if redis.call('EXISTS', KEYS[3]) == 1 then
  if held then return {'busy'} end
  local paused = redis.call('HGET', KEYS[3], 'paused_until')
  if paused and tonumber(paused) and now < tonumber(paused) then return {'paused', paused} end
  redis.call('SET', KEYS[2], owner, 'PX', ms)
  if paused then redis.call('HDEL', KEYS[3], 'paused_until') end
  return {'resume'}
end
local next_run = tonumber(s[4])
if s[1] == '1' and next_run and now >= next_run then
  if held then return {'busy'} end
  redis.call('SET', KEYS[2], owner, 'PX', ms)
  return {'due', s[2], s[3], s[4]}
end
return {'idle', s[1], s[2], s[3], s[4]}
