-- vehicle_delete.lua: delete a vehicle; its reports stay.
-- KEYS: 1 T:vehicle:<id>  2 T:due
-- ARGV: 1 tag T
-- Returns "deleted" | "not_found".
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
local v = redis.call('HMGET', KEYS[1], 'id', 'customer_id')
local id = v[1] or string.sub(KEYS[1], #ARGV[1] + #':vehicle:' + 1)
if v[2] then
  redis.call('SREM', ARGV[1] .. ':customer:' .. v[2] .. ':vehicles', id)
end
redis.call('ZREM', KEYS[2], id)
redis.call('DEL', KEYS[1])
return 'deleted'
