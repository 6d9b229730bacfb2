-- page.lua: read one page of reports in creation (seq) order.
-- KEYS: 1 index zset: T:reports (members "<cust>:<veh>") or
--         T:customer:<id>:reports (members vehicle ids)
-- ARGV: 1 tag T  2 mode "list"|"detail"  3 exclusive start score ("-inf" or
--       "(<score>")  4 limit (a positive integer of at most 9 digits)
--       5 customer id ("" for T:reports)
--       6 inclusive end score (optional; absent or "": "+inf"), so that a
--       page the caller reads in several calls stops where it was measured
-- Returns {more (0/1: index members follow, up to the end score), last score
-- of the page or "", row fields...}, flat:
--   list:   id, id_customer, id_vehicle, last_message_date, frequency (int),
--           created_at, updated_at
--   detail: id, customer_name, customer_phone, vehicle_model, vehicle_nopol,
--           last_message_date, frequency (int), created_at, updated_at
-- Absent values are nil; index members without a report hash are skipped.
-- Writes nothing.
local T, mode, limit = ARGV[1], ARGV[2], ARGV[4]
if mode ~= 'list' and mode ~= 'detail' then return redis.error_reply('ERR page: bad mode') end
if not limit or not string.match(limit, '^[1-9]%d*$') or #limit > 9 then
  return redis.error_reply('ERR page: bad limit')
end
limit = tonumber(limit)
local stop = (ARGV[6] == nil or ARGV[6] == '') and '+inf' or ARGV[6]
local m = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], stop,
  'WITHSCORES', 'LIMIT', 0, string.format('%d', limit + 1))
local prefix = T .. ':report:' .. (ARGV[5] == '' and '' or ARGV[5] .. ':')
local out = {#m > 2 * limit and 1 or 0, ''}
for i = 1, math.min(#m, 2 * limit), 2 do
  out[2] = m[i + 1]
  local r = redis.call('HMGET', prefix .. m[i], 'id', 'id_customer', 'id_vehicle',
    'last_message_date', 'frequency', 'created_at', 'updated_at')
  if r[1] then
    local row
    if mode == 'list' then
      row = {r[1], r[2], r[3]}
    else
      local c = redis.call('HMGET', T .. ':customer:' .. tostring(r[2]), 'name', 'phone')
      local v = redis.call('HMGET', T .. ':vehicle:' .. tostring(r[3]), 'model', 'nopol')
      row = {r[1], c[1], c[2], v[1], v[2]}
    end
    row[#row + 1] = r[4]
    row[#row + 1] = tonumber(r[5]) or 0
    row[#row + 1] = r[6]
    row[#row + 1] = r[7]
    for _, x in ipairs(row) do out[#out + 1] = x end
  end
end
return out
