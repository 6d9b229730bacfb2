-- customer_delete.lua: delete a customer that has no vehicles.
-- KEYS: 1 T:customer:<id>  2 T:customer:<id>:vehicles  3 T:stats
-- ARGV: none
-- Returns "not_found" | "has_vehicles" (nothing deleted) | "deleted"
-- (T:stats customers decremented).
-- Reports and T:customer:<id>:reports are history and stay (an empty zset
-- does not exist in Redis, so there is nothing else to remove).
-- Errors, with nothing written: KEYS 1 or 3 not a hash, KEYS 2 not a set,
-- T:stats customers not an integer.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
-- Absent, or an integer HINCRBY takes (15 digits).
local function counter(v)
  if not v then return true end
  local digits = string.match(v, '^-?([1-9]%d*)$')
  return v == '0' or (digits ~= nil and #digits <= 15)
end
if not typed(KEYS[1], 'hash') or not typed(KEYS[2], 'set') or not typed(KEYS[3], 'hash') then
  return redis.error_reply('ERR customer_delete: a key holds another type')
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
if redis.call('SCARD', KEYS[2]) > 0 then return 'has_vehicles' end
if not counter(redis.call('HGET', KEYS[3], 'customers')) then
  return redis.error_reply('ERR customer_delete: customers is not an integer')
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HINCRBY', KEYS[3], 'customers', -1)
return 'deleted'
