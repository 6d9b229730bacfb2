-- message_history.lua: a vehicle's message history, newest first (read-only).
-- KEYS: 1 T:report:<cust>:<veh>  2 T:report:<cust>:<veh>:messages (zset)
-- ARGV: 1 key prefix ("{wa}")  2 limit (1..50)
-- Returns {exists (0|1), rows of 8 fields...}: message_id, provider,
-- sent_at, status, status_at (unix seconds or ""), error_code, error_title,
-- pricing_category. A message whose record expired (wa_report_message_id_ttl)
-- is left out: the history only points at records.
-- Errors: a bad limit, a history key of another type.
local tag, limit = ARGV[1], ARGV[2]
if not tag or tag == '' or not limit or not string.match(limit, '^[1-9]%d?$')
    or tonumber(limit) > 50 then
  return redis.error_reply('ERR message_history: bad arguments')
end
local t = redis.call('TYPE', KEYS[2]).ok
if t ~= 'none' and t ~= 'zset' then
  return redis.error_reply('ERR message_history: KEYS[2] holds another type')
end
local out = {redis.call('EXISTS', KEYS[1])}
local ids = redis.call('ZREVRANGE', KEYS[2], 0, -1)
local n = 0
for _, id in ipairs(ids) do
  if n >= tonumber(limit) then break end
  local key = tag .. ':message:' .. id
  if redis.call('TYPE', key).ok == 'hash' then
    local m = redis.call('HMGET', key, 'provider', 'sent_at', 'status', 'status_at',
      'error_code', 'error_title', 'pricing_category')
    out[#out + 1] = id
    for i = 1, 7 do out[#out + 1] = m[i] or '' end
    n = n + 1
  end
end
return out
