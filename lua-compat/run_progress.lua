-- run_progress.lua: save one batch of a run: cursor, counters, details.
-- KEYS: 1 T:run:lease  2 T:run:current  3 T:run:<id>:details  4 T:run:<id>:done
-- ARGV: 1 owner token  2 cursor day  3 cursor member  4 d_total  5 d_sent
--       6 d_failed  7 d_skipped  8 d_unknown  9 d_dry (integers of at most
--       15 digits, as Redis writes them: no "-0", "+1" or "01")
--       10 details ttl seconds (a positive integer of at most 12 digits)
--       11.. pairs: vehicle id, detail JSON
-- Returns 0 (the lease is not this owner's, or no run is in progress; nothing
-- written) | 1 (cursor set, counters incremented, details appended, vehicle
-- ids added to the done set, both keys expiring after ttl).
-- Errors, with nothing written: bad arguments, KEYS 1 not a string, KEYS 2
-- not a hash, KEYS 3 not a list, KEYS 4 not a set, a counter of KEYS 2 that
-- is not an integer.
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
local names = {'total', 'sent', 'failed', 'skipped', 'unknown', 'dry'}
if not ARGV[1] or ARGV[1] == '' then return redis.error_reply('ERR run_progress: bad owner') end
if not ARGV[2] or not ARGV[3] then return redis.error_reply('ERR run_progress: bad cursor') end
for i = 4, 9 do
  if not ARGV[i] or not counter(ARGV[i]) then
    return redis.error_reply('ERR run_progress: bad counter')
  end
end
local ttl = ARGV[10]
if not ttl or not string.match(ttl, '^[1-9]%d*$') or #ttl > 12 then
  return redis.error_reply('ERR run_progress: bad ttl')
end
if (#ARGV - 10) % 2 ~= 0 then return redis.error_reply('ERR run_progress: odd detail pairs') end
if not typed(KEYS[1], 'string') or not typed(KEYS[2], 'hash') or not typed(KEYS[3], 'list')
    or not typed(KEYS[4], 'set') then
  return redis.error_reply('ERR run_progress: a key holds another type')
end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local current = redis.call('HMGET', KEYS[2], unpack(names))
for i = 1, #names do
  if not counter(current[i]) then return redis.error_reply('ERR run_progress: a run counter is not an integer') end
end
redis.call('HSET', KEYS[2], 'cursor_day', ARGV[2], 'cursor_member', ARGV[3])
for i, f in ipairs(names) do
  if ARGV[i + 3] ~= '0' then redis.call('HINCRBY', KEYS[2], f, ARGV[i + 3]) end
end
local ids, details = {}, {}
for i = 11, #ARGV, 2 do
  ids[#ids + 1] = ARGV[i]
  details[#details + 1] = ARGV[i + 1]
  if #ids == 500 or i + 2 > #ARGV then
    redis.call('RPUSH', KEYS[3], unpack(details))
    redis.call('SADD', KEYS[4], unpack(ids))
    ids, details = {}, {}
  end
end
redis.call('EXPIRE', KEYS[3], ttl)
redis.call('EXPIRE', KEYS[4], ttl)
return 1
