-- status.lua: the schedule and the runs, for the status endpoint.
-- KEYS: 1 T:schedule  2 T:run:current  3 T:run:last
-- ARGV: none
-- Returns {enabled, hour, minute, next_run, source (each false when
--          missing), current_exists (integer 0/1), T:run:last field, value, ...
--          [, paused_until]}: the run in progress's paused_until (unix
--          seconds) last, only while it waits for its send window (the pairs
--          are even, so an odd count after the first six says it is there).
local s = redis.call('HMGET', KEYS[1], 'enabled', 'hour', 'minute', 'next_run', 'source')
local out = {s[1], s[2], s[3], s[4], s[5], redis.call('EXISTS', KEYS[2])}
local last = redis.call('HGETALL', KEYS[3])
for i = 1, #last do out[#out + 1] = last[i] end
local paused = redis.call('HGET', KEYS[2], 'paused_until')
if paused then out[#out + 1] = paused end
return out
