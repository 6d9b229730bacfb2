-- run_summary.lua: what run-now answers besides the details.
-- KEYS: 1 T:stats  2 T:run:last
-- ARGV: none
-- Returns {customers (int), id of the last finished run or "", its sent count (int)}
local customers = tonumber(redis.call('HGET', KEYS[1], 'customers')) or 0
local id = redis.call('HGET', KEYS[2], 'id') or ''
local sent = tonumber(redis.call('HGET', KEYS[2], 'sent')) or 0
return {customers, id, sent}
