-- vehicle_put.lua: create or update a vehicle (created_at kept on update).
-- KEYS: 1 T:vehicle:<id>  2 T:customer:<customer_id>
--       3 T:customer:<customer_id>:vehicles  4 T:due
-- ARGV: 1 tag T  2 id  3 customer_id  4 model  5 nopol  6 last_visit_date
--       7 next_visit_date  8 next visit as days since 1970-01-01 ("" = none:
--       removed from T:due)  9 now
-- Returns {"no_customer"} (nothing written)
--   | {"created"|"updated", id, customer_id, model, nopol, last_visit_date,
--      next_visit_date, created_at, updated_at}
-- A vehicle moving from another customer leaves T:customer:<old>:vehicles.
local T, id, cust, now = ARGV[1], ARGV[2], ARGV[3], ARGV[9]
if ARGV[8] ~= '' and not tonumber(ARGV[8]) then
  return redis.error_reply('ERR vehicle_put: bad day number')
end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'no_customer'} end
local status = redis.call('EXISTS', KEYS[1]) == 1 and 'updated' or 'created'
local old = redis.call('HMGET', KEYS[1], 'customer_id', 'created_at')
if old[1] and old[1] ~= cust then
  redis.call('SREM', T .. ':customer:' .. old[1] .. ':vehicles', id)
end
local created = old[2] or now
redis.call('HSET', KEYS[1], 'id', id, 'customer_id', cust, 'model', ARGV[4],
  'nopol', ARGV[5], 'last_visit_date', ARGV[6], 'next_visit_date', ARGV[7],
  'created_at', created, 'updated_at', now)
redis.call('SADD', KEYS[3], id)
if ARGV[8] == '' then
  redis.call('ZREM', KEYS[4], id)
else
  redis.call('ZADD', KEYS[4], ARGV[8], id)
end
return {status, id, cust, ARGV[4], ARGV[5], ARGV[6], ARGV[7], created, now}
