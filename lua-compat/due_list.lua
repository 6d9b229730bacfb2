-- due_list.lua: the vehicles due in a window of days, for GET /due.
-- KEYS: none (the day sets and hashes are built from the tag, as in
--       due_batch.lua, since which days exist is known only here)
-- ARGV: 1 tag T  2 first day  3 last day (inclusive; days since 1970-01-01;
--       at most 31 days from the first)  4 limit (1..1000)
--       Numbers are integers of at most 9 digits.
-- Returns {more, rows...}: more "1" when the window holds another vehicle
--   after the limit-th, else "0"; then 8 fields per vehicle: id,
--   customer_id, nopol, model, next_visit_date, reminded_for, customer name,
--   customer phone. Missing values are false (a customer that is gone: false
--   name and phone).
-- Reads the day sets T:due:<day> (ZRANGE BYLEX, every score 0), in day order
-- then member order, and T:vehicle:<id>, T:customer:<id>. A member whose
-- vehicle hash is gone yields no row and does not count. Writes nothing.
local T = ARGV[1]
-- Day numbers go into key names, so they must print back as given.
local function int(s)
  return s and (s == '0' or string.match(s, '^-?[1-9]%d?%d?%d?%d?%d?%d?%d?%d?$')) and tonumber(s)
end
local first, last, limit = int(ARGV[2]), int(ARGV[3]), int(ARGV[4])
if not T or T == '' then return redis.error_reply('ERR due_list: bad tag') end
if not first or not last or last < first or last - first > 30 then
  return redis.error_reply('ERR due_list: bad window')
end
if not limit or limit < 1 or limit > 1000 then return redis.error_reply('ERR due_list: bad limit') end

local out = {'0'}
local rows = 0
local day, start = first, '-'
-- One row more than the limit is looked for, to know whether more exist.
while day <= last and rows <= limit do
  local want = limit + 1 - rows
  local m = redis.call('ZRANGE', T .. ':due:' .. day, start, '+', 'BYLEX', 'LIMIT', 0, want)
  for _, id in ipairs(m) do
    local v = redis.call('HMGET', T .. ':vehicle:' .. id, 'id', 'customer_id', 'nopol', 'model',
      'next_visit_date', 'reminded_for')
    if v[1] or v[2] then
      rows = rows + 1
      if rows > limit then
        out[1] = '1'
        break
      end
      local c = {false, false}
      if v[2] then c = redis.call('HMGET', T .. ':customer:' .. v[2], 'name', 'phone') end
      local row = {id, v[2], v[3], v[4], v[5], v[6], c[1], c[2]}
      for i = 1, 8 do out[#out + 1] = row[i] end
    end
  end
  if #m < want then
    day, start = day + 1, '-'
  else
    start = '(' .. m[#m]
  end
end
return out
