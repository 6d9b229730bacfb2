-- record.lua: count one accepted send for a customer's vehicle.
-- KEYS: 1 T:report:<cust>:<veh>  2 T:reports  3 T:report-ids
--       4 T:customer:<cust>:reports  5 T:stats  6 T:stats:freq  7 T:seq
--       8 T:msg:<message id>  9 T:customer:<cust>  10 T:vehicle:<veh>
-- ARGV: 1 id_customer  2 id_vehicle  3 new report id (used only on create)
--       4 now (local ISO "2026-01-05T10:30:00")  5 mark TTL seconds (a
--       positive integer of at most 12 digits)
-- Optional reminder part, used when there are 12 KEYS (a reminder send):
-- KEYS: 11 T:attempt:<veh>  12 T:deliveries (stream)
-- ARGV: 6 cycle (the next_visit_date reminded for)  7 today (YYYY-MM-DD)
--       8 provider name  9 run id  10 provider message id (may be "")
-- Optional message record, used when there are 17 KEYS (a reminder send
-- with a provider message id, ARGV 10 not empty):
-- KEYS: 13 T:message:<provider id>  14 T:message:<provider id>:reports
--       15 T:report:<cust>:<veh>:messages  16 T:stats:delivery
--       17 T:stats:delivery:<today>
-- ARGV: 11 the message record's TTL seconds (1..12 digits)
-- "counted" then also saves the message (provider, customer, vehicle,
-- report, run, sent_at = now, day = today: the day its counters count for,
-- status "accepted") unless it exists, adds
-- "cust:veh" -> "accepted" to its reports (a message may list several
-- vehicles), counts "accepted" in 16 and 17 once per report, and puts the
-- id first in the vehicle's history (the last 50 kept). Statuses are
-- status_apply.lua's: the Store sends its "settle" right after this script.
-- Returns {"no_customer"} | {"no_vehicle"} | {"vehicle_mismatch"}
--   | {"duplicate"} (mark exists, pair has no report; nothing changed)
--   | {"duplicate"|"counted", id, id_customer, id_vehicle,
--      last_message_date (nil if absent), frequency (int), created_at, updated_at}
-- With the reminder part: "counted" also sets the vehicle's reminded_for,
-- reminded_on, reminded_run, deletes the attempt and appends to the stream
-- (MAXLEN ~ 100000) report, customer, vehicle, message_id, provider, run, at;
-- "duplicate" (either form) only deletes the attempt.
-- Errors, with nothing written: bad arguments, a key of another type, a
-- report without an id, a frequency, sequence or statistics counter that is
-- not an integer.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
-- Absent, or an integer HINCRBY/INCR take and Lua adds exactly (15 digits).
local function counter(v)
  if not v then return true end
  local digits = string.match(v, '^-?([1-9]%d*)$')
  return v == '0' or (digits ~= nil and #digits <= 15)
end
-- Redis refuses "-0" (what Lua makes of -0) and exponents as integers.
local function int(n) return string.format('%d', n) end

local rep, cust, veh, now, ttl = KEYS[1], ARGV[1], ARGV[2], ARGV[4], ARGV[5]
if not ttl or not string.match(ttl, '^[1-9]%d*$') or #ttl > 12 then
  return redis.error_reply('ERR record: bad mark ttl')
end
local reminder = #KEYS == 12 or #KEYS == 17
local keeps = #KEYS == 17
if not reminder and #KEYS ~= 10 then
  return redis.error_reply('ERR record: need 10 or 12 keys (17 with the message record)')
end
if cust == '' or veh == '' or ARGV[3] == '' or now == '' then
  return redis.error_reply('ERR record: missing arguments')
end
if reminder and (not ARGV[10] or ARGV[6] == '' or ARGV[7] == '' or ARGV[9] == '') then
  return redis.error_reply('ERR record: bad reminder arguments')
end
if redis.call('EXISTS', KEYS[9]) == 0 then return {'no_customer'} end
if redis.call('EXISTS', KEYS[10]) == 0 then return {'no_vehicle'} end
if redis.call('HGET', KEYS[10], 'customer_id') ~= cust then return {'vehicle_mismatch'} end

local shapes = {{1, 'hash'}, {2, 'zset'}, {3, 'hash'}, {4, 'zset'}, {5, 'hash'}, {6, 'hash'},
  {7, 'string'}, {8, 'string'}}
if reminder then shapes[#shapes + 1] = {12, 'stream'} end
if keeps then
  if ARGV[10] == '' or not ARGV[11] or not string.match(ARGV[11], '^[1-9]%d*$') or #ARGV[11] > 12 then
    return redis.error_reply('ERR record: bad message record arguments')
  end
  for _, s in ipairs({{13, 'hash'}, {14, 'hash'}, {15, 'zset'}, {16, 'hash'}, {17, 'hash'}}) do
    shapes[#shapes + 1] = s
  end
end
for _, s in ipairs(shapes) do
  if not typed(KEYS[s[1]], s[2]) then
    return redis.error_reply('ERR record: KEYS[' .. s[1] .. '] holds another type')
  end
end
local exists = redis.call('EXISTS', rep) == 1
local cur = redis.call('HMGET', rep, 'id', 'frequency')
if exists and not cur[1] then return redis.error_reply('ERR record: report without an id') end
local f = tonumber(cur[2]) or 0  -- the frequency before this send
local stats = redis.call('HMGET', KEYS[5], 'reports', 'messages')
local ok = counter(cur[2]) and counter(redis.call('GET', KEYS[7])) and counter(stats[1])
  and counter(stats[2]) and counter(redis.call('HGET', KEYS[6], int(f + 1)))
if exists then ok = ok and counter(redis.call('HGET', KEYS[6], int(f))) end
if keeps then
  ok = ok and counter(redis.call('HGET', KEYS[16], 'accepted'))
    and counter(redis.call('HGET', KEYS[17], 'accepted'))
end
if not ok then return redis.error_reply('ERR record: a counter is not an integer') end

local function reply(status)
  local r = redis.call('HMGET', rep, 'id', 'id_customer', 'id_vehicle',
    'last_message_date', 'frequency', 'created_at', 'updated_at')
  return {status, r[1], r[2], r[3], r[4], tonumber(r[5]) or 0, r[6], r[7]}
end

if redis.call('EXISTS', KEYS[8]) == 1 then
  if reminder then redis.call('DEL', KEYS[11]) end
  if not exists then return {'duplicate'} end
  return reply('duplicate')
end

local id
if not exists then
  local seq = redis.call('INCR', KEYS[7])
  id = ARGV[3]
  redis.call('HSET', rep, 'id', id, 'id_customer', cust, 'id_vehicle', veh,
    'last_message_date', now, 'frequency', '1', 'created_at', now,
    'updated_at', now, 'seq', int(seq))
  redis.call('ZADD', KEYS[2], int(seq), cust .. ':' .. veh)
  redis.call('ZADD', KEYS[4], int(seq), veh)
  redis.call('HSET', KEYS[3], id, cust .. ':' .. veh)
  redis.call('HINCRBY', KEYS[5], 'reports', 1)
  redis.call('HINCRBY', KEYS[6], '1', 1)
else
  id = cur[1]
  redis.call('HINCRBY', rep, 'frequency', 1)
  redis.call('HSET', rep, 'last_message_date', now, 'updated_at', now)
  if redis.call('HINCRBY', KEYS[6], int(f), -1) <= 0 then redis.call('HDEL', KEYS[6], int(f)) end
  redis.call('HINCRBY', KEYS[6], int(f + 1), 1)
end
redis.call('HINCRBY', KEYS[5], 'messages', 1)
redis.call('SET', KEYS[8], id, 'EX', ttl)
if reminder then
  redis.call('HSET', KEYS[10], 'reminded_for', ARGV[6], 'reminded_on', ARGV[7],
    'reminded_run', ARGV[9])
  redis.call('DEL', KEYS[11])
  redis.call('XADD', KEYS[12], 'MAXLEN', '~', '100000', '*', 'report', id,
    'customer', cust, 'vehicle', veh, 'message_id', ARGV[10], 'provider', ARGV[8],
    'run', ARGV[9], 'at', now)
end
if keeps then
  local msg, pair = KEYS[13], cust .. ':' .. veh
  if redis.call('EXISTS', msg) == 0 then
    redis.call('HSET', msg, 'provider', ARGV[8], 'customer', cust, 'vehicle', veh,
      'report', id, 'run', ARGV[9], 'sent_at', now, 'day', ARGV[7], 'status', 'accepted')
  end
  if redis.call('HSETNX', KEYS[14], pair, 'accepted') == 1 then
    redis.call('HINCRBY', KEYS[16], 'accepted', 1)
    redis.call('HINCRBY', KEYS[17], 'accepted', 1)
  end
  redis.call('EXPIRE', msg, ARGV[11])
  redis.call('EXPIRE', KEYS[14], ARGV[11])
  if not redis.call('ZSCORE', KEYS[15], ARGV[10]) then
    local last = redis.call('ZREVRANGE', KEYS[15], 0, 0, 'WITHSCORES')
    redis.call('ZADD', KEYS[15], int((tonumber(last[2]) or 0) + 1), ARGV[10])
    redis.call('ZREMRANGEBYRANK', KEYS[15], 0, -51)
  end
end
return reply('counted')
