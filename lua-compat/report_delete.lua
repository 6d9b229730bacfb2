-- report_delete.lua: delete one report by id and keep the statistics exact.
-- KEYS: 1 T:report-ids  2 T:reports  3 T:stats  4 T:stats:freq
-- ARGV: 1 tag T  2 report id
-- Returns 1 deleted | 0 not found.
-- Builds T:report:<cust>:<veh> and T:customer:<cust>:reports from T.
local T, id = ARGV[1], ARGV[2]
local pair = redis.call('HGET', KEYS[1], id)
if not pair then return 0 end
local rep = T .. ':report:' .. pair
local r = redis.call('HMGET', rep, 'id', 'id_customer', 'id_vehicle', 'frequency')
if r[1] and r[1] ~= id then  -- stale id entry: the pair holds another report
  redis.call('HDEL', KEYS[1], id)
  return 0
end
local cust, veh = r[2], r[3]
if not cust then cust, veh = string.match(pair, '^([^:]*):(.*)$') end
if redis.call('DEL', rep) == 1 then
  local f = tonumber(r[4]) or 0
  redis.call('HINCRBY', KEYS[3], 'reports', -1)
  redis.call('HINCRBY', KEYS[3], 'messages', -f)
  if redis.call('HINCRBY', KEYS[4], f, -1) <= 0 then redis.call('HDEL', KEYS[4], f) end
end
redis.call('ZREM', KEYS[2], pair)
redis.call('ZREM', T .. ':customer:' .. cust .. ':reports', veh)
redis.call('HDEL', KEYS[1], id)
return 1
