-- run_summary.lua: how a run stands, for run-now's answer.
-- KEYS: 1 T:run:current  2 T:run:<id>:result
-- ARGV: 1 the run's id (not empty)
-- Returns {"finished", customers (int), sent (int)} (its result: the run
--           finished, wherever it finished)
--   | {"running"} (it is T:run:current: in progress, or handed over and
--           waiting for the next runner)
--   | {"unknown"} (neither: it never began, or its result is gone)
-- Errors: a bad id; KEYS 1 or 2 not a hash. Writes nothing.
if not ARGV[1] or ARGV[1] == '' then return redis.error_reply('ERR run_summary: bad run id') end
local r = redis.call('HMGET', KEYS[2], 'id', 'customers', 'sent')
if r[1] == ARGV[1] then
  return {'finished', tonumber(r[2]) or 0, tonumber(r[3]) or 0}
end
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then return {'running'} end
return {'unknown'}
