-- customer_put.lua: create or update a customer (created_at kept on update).
-- KEYS: 1 T:customer:<id>  2 T:stats
-- ARGV: 1 id  2 name  3 phone  4 address  5 now
-- Returns {"created"|"updated", id, name, phone, address, created_at, updated_at}
-- On create T:stats customers is incremented.
-- Errors, with nothing written: missing arguments, KEYS 1 or 2 not a hash,
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
local k, now = KEYS[1], ARGV[5]
if not now then return redis.error_reply('ERR customer_put: missing arguments') end
if not typed(k, 'hash') or not typed(KEYS[2], 'hash') then
  return redis.error_reply('ERR customer_put: a key holds another type')
end
local status = redis.call('EXISTS', k) == 1 and 'updated' or 'created'
local created = redis.call('HGET', k, 'created_at') or now
if status == 'created' and not counter(redis.call('HGET', KEYS[2], 'customers')) then
  return redis.error_reply('ERR customer_put: customers is not an integer')
end
redis.call('HSET', k, 'id', ARGV[1], 'name', ARGV[2], 'phone', ARGV[3],
  'address', ARGV[4], 'created_at', created, 'updated_at', now)
if status == 'created' then redis.call('HINCRBY', KEYS[2], 'customers', 1) end
return {status, ARGV[1], ARGV[2], ARGV[3], ARGV[4], created, now}
