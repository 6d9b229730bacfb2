-- schedule_apply.lua: at a start or reload, apply nginx.conf's schedule if it
-- changed since it was last applied.
-- KEYS: 1 T:schedule
-- ARGV: 1 nginx.conf's schedule, "HH:MM on" or "HH:MM off" (two digits
--       each, 00:00-23:59)
--       2 its next run (unix seconds: an integer as Redis writes it, of at
--       most 12 digits)
--       3 the configuration load's id (not empty): only the first worker of
--       a start or reload to call acts
-- Returns {outcome, enabled, hour, minute, source, before}: the schedule
-- after the call (strings, "" for a missing field) and `config` before it.
--   outcome "seen": a worker of this configuration load already called;
--     nothing written.
--   "created": there was no schedule: it is nginx.conf's.
--   "applied": nginx.conf's schedule differs from `config` (the one last
--     applied): enabled, hour, minute and next_run are set from it.
--   "kept": nginx.conf's schedule is the one last applied: the schedule
--     stays as it is (the scheduler API may have changed it).
--   "adopted": the schedule has no `config` (an earlier version wrote it):
--     it stays, fields missing from it are set from nginx.conf, and its
--     `source` is "nginx.conf" when it is nginx.conf's schedule, else "api".
-- Every outcome but "seen" records ARGV 3 in `config_load` and nginx.conf's
-- schedule in `config`; created and applied set `source` "nginx.conf".
-- Errors, with nothing written: bad arguments, KEYS 1 not a hash.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local conf, next_run, load = ARGV[1], ARGV[2], ARGV[3]
local h, m, onoff = string.match(conf or '', '^(%d%d):(%d%d) (o[nf]f?)$')
if not h or tonumber(h) > 23 or tonumber(m) > 59 or (onoff ~= 'on' and onoff ~= 'off') then
  return redis.error_reply('ERR schedule_apply: bad schedule')
end
local digits = next_run and string.match(next_run, '^-?([1-9]%d*)$')
if next_run ~= '0' and not (digits and #digits <= 12) then
  return redis.error_reply('ERR schedule_apply: bad next_run')
end
if not load or load == '' then return redis.error_reply('ERR schedule_apply: bad load id') end
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'none' and t ~= 'hash' then
  return redis.error_reply('ERR schedule_apply: a key holds another type')
end
local enabled = onoff == 'on' and '1' or '0'
local hour, minute = tostring(tonumber(h)), tostring(tonumber(m))
local s = redis.call('HMGET', KEYS[1], 'enabled', 'hour', 'minute', 'config', 'source', 'config_load')
local function reply(outcome, before)
  local now = redis.call('HMGET', KEYS[1], 'enabled', 'hour', 'minute', 'source')
  return {outcome, now[1] or '', now[2] or '', now[3] or '', now[4] or '', before or ''}
end
if s[6] == load then return reply('seen', s[4]) end
local from_conf = {'enabled', enabled, 'hour', hour, 'minute', minute, 'next_run', next_run,
  'config', conf, 'source', 'nginx.conf', 'config_load', load}
if t == 'none' then
  redis.call('HSET', KEYS[1], unpack(from_conf))
  return reply('created', '')
end
if not s[4] then
  local same = (s[1] or enabled) == enabled and (s[2] or hour) == hour and (s[3] or minute) == minute
  local fill = {'enabled', enabled, 'hour', hour, 'minute', minute, 'next_run', next_run,
    'source', same and 'nginx.conf' or 'api'}
  for i = 1, #fill, 2 do redis.call('HSETNX', KEYS[1], fill[i], fill[i + 1]) end
  redis.call('HSET', KEYS[1], 'config', conf, 'config_load', load)
  return reply('adopted', '')
end
if s[4] ~= conf then
  redis.call('HSET', KEYS[1], unpack(from_conf))
  return reply('applied', s[4])
end
redis.call('HSET', KEYS[1], 'config_load', load)
return reply('kept', s[4])
