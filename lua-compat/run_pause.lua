-- run_pause.lua: a run pauses at its send window's close (or waits for the opening).
-- KEYS: 1 T:run:lease  2 T:run:current
-- ARGV: 1 owner token  2 paused_until (unix seconds, an integer of at most 12
--       digits): the window's next opening
-- Returns 1 (paused: T:run:current's paused_until set, the lease deleted, so
--           no worker holds the run until tick.lua lets one resume it at
--           paused_until) | 0 (the lease is not this owner's, or there is no
--           run; nothing written).
-- Errors, with nothing written: bad arguments, KEYS 1 not a string, KEYS 2
-- not a hash.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
local owner, until_ = ARGV[1], ARGV[2]
if not owner or owner == '' then return redis.error_reply('ERR run_pause: bad owner') end
if not until_ or not string.match(until_, '^[1-9]%d*$') or #until_ > 12 then
  return redis.error_reply('ERR run_pause: bad paused_until')
end
if not typed(KEYS[1], 'string') or not typed(KEYS[2], 'hash') then
  return redis.error_reply('ERR run_pause: a key holds another type')
end
if redis.call('GET', KEYS[1]) ~= owner then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'paused_until', until_)
redis.call('DEL', KEYS[1])
return 1
