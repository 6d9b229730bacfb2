-- report_delete.lua: delete one report by id and keep the statistics exact.
-- KEYS: 1 T:report-ids  2 T:reports  3 T:stats  4 T:stats:freq
-- ARGV: 1 tag T  2 report id
-- Returns 1 deleted | 0 not found.
-- Builds T:report:<cust>:<veh>, its :messages history (deleted with it) and
-- T:customer:<cust>:reports from T.
-- Errors, with nothing written: missing arguments, a key of another type, a
-- frequency or statistics counter that is not an integer.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
-- Absent, or an integer HINCRBY takes and Lua adds exactly (15 digits).
local function counter(v)
  if not v then return true end
  local digits = string.match(v, '^-?([1-9]%d*)$')
  return v == '0' or (digits ~= nil and #digits <= 15)
end
-- Redis refuses "-0" (what Lua makes of -0) and exponents as integers.
local function int(n) return string.format('%d', n) end

local T, id = ARGV[1], ARGV[2]
if not T or T == '' or not id then return redis.error_reply('ERR report_delete: missing arguments') end
if not typed(KEYS[1], 'hash') or not typed(KEYS[2], 'zset') or not typed(KEYS[3], 'hash')
    or not typed(KEYS[4], 'hash') then
  return redis.error_reply('ERR report_delete: a key holds another type')
end
local pair = redis.call('HGET', KEYS[1], id)
if not pair then return 0 end
local rep = T .. ':report:' .. pair
if not typed(rep, 'hash') then return redis.error_reply('ERR report_delete: report is not a hash') end
local r = redis.call('HMGET', rep, 'id', 'id_customer', 'id_vehicle', 'frequency')
if r[1] and r[1] ~= id then  -- stale id entry: the pair holds another report
  redis.call('HDEL', KEYS[1], id)
  return 0
end
local cust, veh = r[2], r[3]
if not cust or not veh then cust, veh = string.match(pair, '^([^:]*):(.*)$') end
local index = cust and (T .. ':customer:' .. cust .. ':reports')
if index and not typed(index, 'zset') then
  return redis.error_reply('ERR report_delete: customer index is not a zset')
end
local exists = redis.call('EXISTS', rep) == 1
local f = 0
if exists then
  if not counter(r[4]) then return redis.error_reply('ERR report_delete: frequency is not an integer') end
  f = tonumber(r[4]) or 0
  local s = redis.call('HMGET', KEYS[3], 'reports', 'messages')
  if not counter(s[1]) or not counter(s[2]) or not counter(redis.call('HGET', KEYS[4], int(f))) then
    return redis.error_reply('ERR report_delete: a statistics counter is not an integer')
  end
end

if exists then
  -- its message history goes with it (the message records expire alone)
  redis.call('DEL', rep, rep .. ':messages')
  redis.call('HINCRBY', KEYS[3], 'reports', -1)
  redis.call('HINCRBY', KEYS[3], 'messages', int(-f))
  if redis.call('HINCRBY', KEYS[4], int(f), -1) <= 0 then redis.call('HDEL', KEYS[4], int(f)) end
end
redis.call('ZREM', KEYS[2], pair)
if index then redis.call('ZREM', index, veh) end
redis.call('HDEL', KEYS[1], id)
return 1
