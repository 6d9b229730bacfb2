-- vehicle_put.lua: create or update a vehicle (created_at kept on update).
-- KEYS: 1 T:vehicle:<id>  2 T:customer:<customer_id>
--       3 T:customer:<customer_id>:vehicles  4 T:due:<ARGV 8>  5 T:stats
-- ARGV: 1 tag T  2 id  3 customer_id  4 model  5 nopol  6 last_visit_date
--       7 next_visit_date  8 next visit as days since 1970-01-01 (an integer;
--       "" = none: the vehicle leaves the due index, KEYS 4 is not used)
--       9 now
-- Returns {"no_customer"} (nothing written)
--   | {"created"|"updated", id, customer_id, model, nopol, last_visit_date,
--      next_visit_date, created_at, updated_at}
-- The due index is one zset per day, T:due:<day>, every member score 0; the
-- vehicle's day is kept in its hash as next_visit_day. A changed day moves
-- the vehicle out of T:due:<old day> (built from T). A changed
-- next_visit_date starts a new reminder cycle: reminded_for and reminded_on
-- are removed. A vehicle moving from another customer leaves
-- T:customer:<old>:vehicles. On create T:stats vehicles is incremented.
-- Errors, with nothing written: bad arguments, a key (declared or built
-- from T) of another type, T:stats vehicles not an integer.
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
local T, id, cust, day, now = ARGV[1], ARGV[2], ARGV[3], ARGV[8], ARGV[9]
if not now or T == '' or id == '' or cust == '' then
  return redis.error_reply('ERR vehicle_put: missing arguments')
end
if day ~= '' then
  if not string.match(day, '^-?%d+$') then
    return redis.error_reply('ERR vehicle_put: bad day number')
  end
  if KEYS[4] ~= T .. ':due:' .. day then
    return redis.error_reply('ERR vehicle_put: due key does not match the day')
  end
end
if not typed(KEYS[1], 'hash') or not typed(KEYS[2], 'hash') or not typed(KEYS[3], 'set')
    or (day ~= '' and not typed(KEYS[4], 'zset')) or not typed(KEYS[5], 'hash') then
  return redis.error_reply('ERR vehicle_put: a key holds another type')
end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'no_customer'} end
local status = redis.call('EXISTS', KEYS[1]) == 1 and 'updated' or 'created'
local old = redis.call('HMGET', KEYS[1], 'customer_id', 'created_at',
  'next_visit_day', 'next_visit_date')
if (old[1] and old[1] ~= cust and not typed(T .. ':customer:' .. old[1] .. ':vehicles', 'set'))
    or (old[3] and old[3] ~= day and not typed(T .. ':due:' .. old[3], 'zset')) then
  return redis.error_reply('ERR vehicle_put: a key holds another type')
end
if status == 'created' and not counter(redis.call('HGET', KEYS[5], 'vehicles')) then
  return redis.error_reply('ERR vehicle_put: vehicles is not an integer')
end
if old[1] and old[1] ~= cust then
  redis.call('SREM', T .. ':customer:' .. old[1] .. ':vehicles', id)
end
if old[3] and old[3] ~= day then
  redis.call('ZREM', T .. ':due:' .. old[3], id)
end
if status == 'updated' and old[4] ~= ARGV[7] then
  redis.call('HDEL', KEYS[1], 'reminded_for', 'reminded_on')
end
local created = old[2] or now
redis.call('HSET', KEYS[1], 'id', id, 'customer_id', cust, 'model', ARGV[4],
  'nopol', ARGV[5], 'last_visit_date', ARGV[6], 'next_visit_date', ARGV[7],
  'created_at', created, 'updated_at', now)
redis.call('SADD', KEYS[3], id)
if day == '' then
  redis.call('HDEL', KEYS[1], 'next_visit_day')
else
  redis.call('HSET', KEYS[1], 'next_visit_day', day)
  redis.call('ZADD', KEYS[4], 0, id)
end
if status == 'created' then redis.call('HINCRBY', KEYS[5], 'vehicles', 1) end
return {status, id, cust, ARGV[4], ARGV[5], ARGV[6], ARGV[7], created, now}
