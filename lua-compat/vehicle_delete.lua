-- vehicle_delete.lua: delete a vehicle; its reports stay.
-- KEYS: 1 T:vehicle:<id>  2 T:stats
-- ARGV: 1 tag T
-- Returns "deleted" | "not_found".
-- Removes the vehicle from T:due:<next_visit_day> and from
-- T:customer:<customer_id>:vehicles (both built from T) and decrements
-- T:stats vehicles.
local T = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
local v = redis.call('HMGET', KEYS[1], 'id', 'customer_id', 'next_visit_day')
local id = v[1] or string.sub(KEYS[1], #T + #':vehicle:' + 1)
if v[2] then
  redis.call('SREM', T .. ':customer:' .. v[2] .. ':vehicles', id)
end
if v[3] then
  redis.call('ZREM', T .. ':due:' .. v[3], id)
end
redis.call('DEL', KEYS[1])
redis.call('HINCRBY', KEYS[2], 'vehicles', -1)
return 'deleted'
