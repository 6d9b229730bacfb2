-- customer_delete.lua: delete a customer that has no vehicles.
-- KEYS: 1 T:customer:<id>  2 T:customer:<id>:vehicles  3 T:stats
-- ARGV: none
-- Returns "not_found" | "has_vehicles" (nothing deleted) | "deleted"
-- (T:stats customers decremented).
-- Reports and T:customer:<id>:reports are history and stay (an empty zset
-- does not exist in Redis, so there is nothing else to remove).
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
if redis.call('SCARD', KEYS[2]) > 0 then return 'has_vehicles' end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HINCRBY', KEYS[3], 'customers', -1)
return 'deleted'
