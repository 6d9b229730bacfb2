-- customer_put.lua: create or update a customer (created_at kept on update).
-- KEYS: 1 T:customer:<id>  2 T:stats
-- ARGV: 1 id  2 name  3 phone  4 address  5 now
-- Returns {"created"|"updated", id, name, phone, address, created_at, updated_at}
-- On create T:stats customers is incremented.
local k, now = KEYS[1], ARGV[5]
local status = redis.call('EXISTS', k) == 1 and 'updated' or 'created'
local created = redis.call('HGET', k, 'created_at') or now
redis.call('HSET', k, 'id', ARGV[1], 'name', ARGV[2], 'phone', ARGV[3],
  'address', ARGV[4], 'created_at', created, 'updated_at', now)
if status == 'created' then redis.call('HINCRBY', KEYS[2], 'customers', 1) end
return {status, ARGV[1], ARGV[2], ARGV[3], ARGV[4], created, now}
