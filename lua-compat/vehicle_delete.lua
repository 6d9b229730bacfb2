-- vehicle_delete.lua: delete a vehicle; its reports stay.
-- KEYS: 1 T:vehicle:<id>  2 T:stats
-- ARGV: 1 tag T
-- Returns "deleted" | "not_found".
-- Removes the vehicle from T:due:<next_visit_day> and from
-- T:customer:<customer_id>:vehicles (both built from T) and decrements
-- T:stats vehicles.
-- Errors, with nothing written: missing tag, KEYS 1 or 2 not a hash, the
-- customer's vehicle set not a set, the day's due set not a zset, T:stats
-- vehicles not an integer.
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
local T = ARGV[1]
if not T or T == '' then return redis.error_reply('ERR vehicle_delete: missing tag') end
if not typed(KEYS[1], 'hash') or not typed(KEYS[2], 'hash') then
  return redis.error_reply('ERR vehicle_delete: a key holds another type')
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
local v = redis.call('HMGET', KEYS[1], 'id', 'customer_id', 'next_visit_day')
local id = v[1] or string.sub(KEYS[1], #T + #':vehicle:' + 1)
if (v[2] and not typed(T .. ':customer:' .. v[2] .. ':vehicles', 'set'))
    or (v[3] and not typed(T .. ':due:' .. v[3], 'zset')) then
  return redis.error_reply('ERR vehicle_delete: a key holds another type')
end
if not counter(redis.call('HGET', KEYS[2], 'vehicles')) then
  return redis.error_reply('ERR vehicle_delete: vehicles is not an integer')
end
if v[2] then
  redis.call('SREM', T .. ':customer:' .. v[2] .. ':vehicles', id)
end
if v[3] then
  redis.call('ZREM', T .. ':due:' .. v[3], id)
end
redis.call('DEL', KEYS[1])
redis.call('HINCRBY', KEYS[2], 'vehicles', -1)
return 'deleted'
