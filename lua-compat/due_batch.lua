-- due_batch.lua: the next batch of vehicles due in the run's window.
-- KEYS: 1 T:run:lease  2 T:run:current
-- ARGV: 1 tag T  2 owner token  3 first day  4 last day (inclusive; days since
--       1970-01-01)  5 cursor day ("" = start at the first day)  6 cursor
--       member ("" = start of the cursor day; else exclusive)  7 limit (>= 1)
--       Numbers are integers of at most 9 digits.
--       8 run id
-- Returns {"lost"} (the lease is not this owner's)
--   | {"ok", cursor_day, cursor_member, done, rows...}: the position of the
--     last member read ("" "" or the given cursor when nothing was read), done
--     "1" when the window holds nothing after it, else "0"; then 13 fields per
--     vehicle: id, customer_id, model, nopol, next_visit_date, reminded_for,
--     reminded_on, do_not_contact, customer name, customer phone, attempt
--     cycle, attempt run, handled ("1" if in T:run:<run id>:done, else "0").
-- Missing values are false. Reads the day sets T:due:<day> (ZRANGE BYLEX,
-- every score 0) and T:vehicle:<id>, T:customer:<id>, T:attempt:<id>,
-- T:run:<run id>:done, all built from T. At most limit members are read; a
-- member whose vehicle hash is gone yields no row but advances the cursor.
-- KEYS 2 is not read (declared for the lease's run). Writes nothing.
local T, owner, run = ARGV[1], ARGV[2], ARGV[8]
-- Day numbers go into key names, so they must print back as given.
local function int(s)
  return s and (s == '0' or string.match(s, '^-?[1-9]%d?%d?%d?%d?%d?%d?%d?%d?$')) and tonumber(s)
end
local first, last, limit = int(ARGV[3]), int(ARGV[4]), int(ARGV[7])
if not owner or owner == '' then return redis.error_reply('ERR due_batch: bad owner') end
if not first or not last then return redis.error_reply('ERR due_batch: bad window') end
if not ARGV[5] or (ARGV[5] ~= '' and not int(ARGV[5])) or not ARGV[6] then
  return redis.error_reply('ERR due_batch: bad cursor')
end
if not limit or limit < 1 then return redis.error_reply('ERR due_batch: bad limit') end
if not run or run == '' then return redis.error_reply('ERR due_batch: bad run id') end
if redis.call('GET', KEYS[1]) ~= owner then return {'lost'} end

local cur_day, cur_member = ARGV[5], ARGV[6]
local day, start = first, '-'
if cur_day ~= '' and int(cur_day) >= first then
  day = int(cur_day)
  if cur_member ~= '' then start = '(' .. cur_member end
end
local done_key = T .. ':run:' .. run .. ':done'
local out = {'ok', cur_day, cur_member, '1'}
local read = 0
while day <= last and read < limit do
  local want = limit - read
  local m = redis.call('ZRANGE', T .. ':due:' .. day, start, '+', 'BYLEX', 'LIMIT', 0, want)
  for _, id in ipairs(m) do
    read = read + 1
    out[2], out[3] = tostring(day), id
    local v = redis.call('HMGET', T .. ':vehicle:' .. id, 'id', 'customer_id', 'model',
      'nopol', 'next_visit_date', 'reminded_for', 'reminded_on', 'do_not_contact')
    if v[1] or v[2] then
      local c = {false, false}
      if v[2] then c = redis.call('HMGET', T .. ':customer:' .. v[2], 'name', 'phone') end
      local a = redis.call('HMGET', T .. ':attempt:' .. id, 'cycle', 'run')
      local handled = redis.call('SISMEMBER', done_key, id) == 1 and '1' or '0'
      local row = {id, v[2], v[3], v[4], v[5], v[6], v[7], v[8], c[1], c[2], a[1], a[2], handled}
      for i = 1, 13 do out[#out + 1] = row[i] end
    end
  end
  if #m < want then
    day, start = day + 1, '-'
  else
    start = '(' .. m[#m]
  end
end
-- Anything left in the window after the returned position?
if read == limit then
  while day <= last do
    if #redis.call('ZRANGE', T .. ':due:' .. day, start, '+', 'BYLEX', 'LIMIT', 0, 1) > 0 then
      out[4] = '0'
      break
    end
    day, start = day + 1, '-'
  end
end
return out
