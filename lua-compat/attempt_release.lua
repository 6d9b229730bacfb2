-- attempt_release.lua: give back reminder sends a runner began but will not finish.
-- KEYS: 1.. T:attempt:<vehicle> (any number, also none)
-- ARGV: 1 run id  2 owner token
-- Returns the number of attempts deleted: each one whose run and owner are
-- these (another runner's attempt, or one left by a crash, is kept).
-- The runner that carries the run on then sends these vehicles again; nothing
-- is counted or failed for them.
-- Errors, with nothing written: bad arguments, a key that is not a hash.
if not ARGV[1] or ARGV[1] == '' then return redis.error_reply('ERR attempt_release: bad run id') end
if not ARGV[2] or ARGV[2] == '' then return redis.error_reply('ERR attempt_release: bad owner') end
-- Every key is read before the first DEL: a key of another type fails the
-- call with nothing deleted.
local mine = {}
for _, k in ipairs(KEYS) do
  local a = redis.call('HMGET', k, 'run', 'owner')
  if a[1] == ARGV[1] and a[2] == ARGV[2] then mine[#mine + 1] = k end
end
for _, k in ipairs(mine) do redis.call('DEL', k) end
return #mine
