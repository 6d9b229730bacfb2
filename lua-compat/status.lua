-- status.lua: the schedule and the runs, for the status endpoint.
-- KEYS: 1 T:schedule  2 T:run:current  3 T:run:last
-- ARGV: none
-- Returns {enabled, hour, minute, next_run, source (each false when
--          missing), current_exists (integer 0/1), T:run:last field, value, ...}
local s = redis.call('HMGET', KEYS[1], 'enabled', 'hour', 'minute', 'next_run', 'source')
local out = {s[1], s[2], s[3], s[4], s[5], redis.call('EXISTS', KEYS[2])}
local last = redis.call('HGETALL', KEYS[3])
for i = 1, #last do out[#out + 1] = last[i] end
return out
