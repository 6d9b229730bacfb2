-- attempt_clear.lua: drop an attempt that never reached the gateway.
-- KEYS: 1 T:attempt:<vehicle>
-- ARGV: 1 run id
-- Returns 1 (deleted: the attempt belonged to that run) | 0 (absent or
-- another run's; kept).
if not ARGV[1] or ARGV[1] == '' then return redis.error_reply('ERR attempt_clear: bad run id') end
if redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
