-- opt_out.lua: suppress a normalised phone, or lift its suppression.
-- KEYS: 1 T:optout:<phone> (phone: 8 to 15 digits)  2 T:stats
-- ARGV: 1 "1" suppress | "0" lift  2 reason: stop_word, start_word,
--       user_preferences, error_131050 or data_api  3 now (local ISO, stored
--       as opted_out_at)
-- Returns 1 when the phone's state changed, 0 when it already was so (a
-- suppression keeps its first opted_out_at and reason).
-- Suppressing: HSET KEYS 1 opted_out_at, reason (no expiry); T:stats
-- opted_out +1. Lifting: DEL KEYS 1 (no record of the lifted suppression is
-- kept: the key holds only what is in force); T:stats opted_out -1. Either
-- change also counts T:stats opt_out:<reason> or opt_in:<reason>.
-- Errors, with nothing written: bad arguments or key, KEYS 1 or 2 not a hash,
-- a counter that is not an integer.
local reasons = {stop_word = true, start_word = true, user_preferences = true,
  error_131050 = true, data_api = true}
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
-- Absent, or an integer HINCRBY takes (15 digits).
local function counter(v)
  if not v then return true end
  local digits = string.match(v, '^-?([1-9]%d*)$')
  return v == '0' or (digits ~= nil and #digits <= 15)
end
if not KEYS[1] or not string.match(KEYS[1], ':optout:%d%d%d%d%d%d%d%d%d?%d?%d?%d?%d?%d?%d?$') then
  return redis.error_reply('ERR opt_out: bad phone key')
end
local suppress = ARGV[1]
if suppress ~= '0' and suppress ~= '1' then return redis.error_reply('ERR opt_out: bad opted_out') end
if not ARGV[2] or not reasons[ARGV[2]] then return redis.error_reply('ERR opt_out: bad reason') end
if not ARGV[3] or ARGV[3] == '' then return redis.error_reply('ERR opt_out: bad now') end
if not typed(KEYS[1], 'hash') or not typed(KEYS[2], 'hash') then
  return redis.error_reply('ERR opt_out: a key holds another type')
end
local change = (suppress == '1' and 'opt_out:' or 'opt_in:') .. ARGV[2]
if not counter(redis.call('HGET', KEYS[2], 'opted_out'))
    or not counter(redis.call('HGET', KEYS[2], change)) then
  return redis.error_reply('ERR opt_out: a counter is not an integer')
end
local exists = redis.call('EXISTS', KEYS[1]) == 1
if (suppress == '1') == exists then return 0 end
if suppress == '1' then
  redis.call('HSET', KEYS[1], 'opted_out_at', ARGV[3], 'reason', ARGV[2])
  redis.call('HINCRBY', KEYS[2], 'opted_out', 1)
else
  redis.call('DEL', KEYS[1])
  redis.call('HINCRBY', KEYS[2], 'opted_out', -1)
end
redis.call('HINCRBY', KEYS[2], change, 1)
return 1
