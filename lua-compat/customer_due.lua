-- customer_due.lua: every vehicle of one customer due in a run's window, for
-- one grouped message (wa_report_group_by customer).
-- KEYS: 1 T:customer:<id>:vehicles (the customer's vehicle ids)
-- ARGV: 1 tag T  2 first day  3 last day (inclusive; days since 1970-01-01,
--       integers of at most 9 digits)  4 run id  5 limit: the most vehicles
--       the customer may have (a positive integer of at most 6 digits)
--       6 customer id: a vehicle of the set that names another customer (a
--       set left behind by another writer) is not theirs to list
-- Returns {"too_many"} (the customer has more vehicles than limit: nothing
--   read; the run sends their vehicles one a message)
--   | {"ok", rows...}: 13 fields per vehicle, as due_batch.lua's rows, for
--     each vehicle of the set that is in the due index T:due:<day> of its
--     next_visit_day, that day in the window; ordered as the index
--     (day, then vehicle id). Missing values are false.
-- Reads T:vehicle:<id>, T:customer:<id>, T:attempt:<id>, T:due:<day> and
-- T:run:<run id>:done, all built from T. Writes nothing.
local T, run = ARGV[1], ARGV[4]
local function int(s)
  return s and (s == '0' or string.match(s, '^-?[1-9]%d?%d?%d?%d?%d?%d?%d?%d?$')) and tonumber(s)
end
local first, last = int(ARGV[2]), int(ARGV[3])
if not T or T == '' then return redis.error_reply('ERR customer_due: bad tag') end
if not first or not last then return redis.error_reply('ERR customer_due: bad window') end
if not run or run == '' then return redis.error_reply('ERR customer_due: bad run id') end
local limit = ARGV[5] and string.match(ARGV[5], '^[1-9]%d?%d?%d?%d?%d?$') and tonumber(ARGV[5])
if not limit then return redis.error_reply('ERR customer_due: bad limit') end
local customer = ARGV[6]
if not customer or customer == '' then return redis.error_reply('ERR customer_due: bad customer') end
if redis.call('SCARD', KEYS[1]) > limit then return {'too_many'} end

local done_key = T .. ':run:' .. run .. ':done'
local found = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local v = redis.call('HMGET', T .. ':vehicle:' .. id, 'id', 'customer_id', 'model',
    'nopol', 'next_visit_date', 'reminded_for', 'reminded_on', 'do_not_contact',
    'next_visit_day')
  local day = int(v[9])
  if v[2] == customer and day and day >= first and day <= last
      and redis.call('ZSCORE', T .. ':due:' .. day, id) then
    found[#found + 1] = {day, id, v}
  end
end
table.sort(found, function(a, b)
  if a[1] ~= b[1] then return a[1] < b[1] end
  return a[2] < b[2]
end)
local out = {'ok'}
for _, f in ipairs(found) do
  local id, v = f[2], f[3]
  local c = {false, false}
  if v[2] then c = redis.call('HMGET', T .. ':customer:' .. v[2], 'name', 'phone') end
  local a = redis.call('HMGET', T .. ':attempt:' .. id, 'cycle', 'run')
  local handled = redis.call('SISMEMBER', done_key, id) == 1 and '1' or '0'
  local row = {id, v[2], v[3], v[4], v[5], v[6], v[7], v[8], c[1], c[2], a[1], a[2], handled}
  for i = 1, 13 do out[#out + 1] = row[i] end
end
return out
