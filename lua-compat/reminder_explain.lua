-- reminder_explain.lua: what the run would read about one vehicle, and what
-- says which run comes next, for GET .../customer/{c}/vehicle/{v}/reminder.
-- KEYS: 1 T:vehicle:<v>  2 T:customer:<c>  3 T:attempt:<v>  4 T:schedule
--       5 T:run:covered  6 T:run:last  7 T:run:current
-- ARGV: 1 tag T  2 the vehicle's id
-- Returns {} when the vehicle does not exist, else 24 values: the vehicle's
-- customer_id, model, nopol, next_visit_date, reminded_for, reminded_on,
-- do_not_contact, last_visit_date, last_error, last_error_code,
-- last_error_at; KEYS 2's name and phone; the attempt mark's cycle and run;
-- the schedule's enabled and next_run; the covered day (KEYS 5, else KEYS
-- 6's as_of when that run was not a dry run); the run in progress (KEYS 7):
-- its id, as_of, window_from, dry_run, paused_until, and "1" when it has
-- handled this vehicle (T:run:<id>:done), else "0". Missing values are
-- false.
-- Writes nothing; a key of another type is Redis's WRONGTYPE error.
local v = redis.call('HMGET', KEYS[1], 'id', 'customer_id', 'model', 'nopol',
  'next_visit_date', 'reminded_for', 'reminded_on', 'do_not_contact', 'last_visit_date',
  'last_error', 'last_error_code', 'last_error_at')
if not v[1] and not v[2] then return {} end
local c = redis.call('HMGET', KEYS[2], 'name', 'phone')
local a = redis.call('HMGET', KEYS[3], 'cycle', 'run')
local s = redis.call('HMGET', KEYS[4], 'enabled', 'next_run')
local covered = redis.call('GET', KEYS[5])
if not covered then
  local last = redis.call('HMGET', KEYS[6], 'as_of', 'dry_run')
  if last[2] == '0' then covered = last[1] end
end
local r = redis.call('HMGET', KEYS[7], 'id', 'as_of', 'window_from', 'dry_run', 'paused_until')
local handled = '0'
if r[1] and ARGV[1] and ARGV[2] then
  handled = redis.call('SISMEMBER', ARGV[1] .. ':run:' .. r[1] .. ':done', ARGV[2]) == 1 and '1' or '0'
end
local out = {}
for i = 2, 12 do out[#out + 1] = v[i] end
for _, x in ipairs({c[1], c[2], a[1], a[2], s[1], s[2], covered}) do out[#out + 1] = x end
for i = 1, 5 do out[#out + 1] = r[i] end
out[#out + 1] = handled
return out
