-- reset.lua: one bounded chunk of a frequency reset (frequency -> 0).
-- KEYS: 1 index zset: T:reports (members "<cust>:<veh>") or
--         T:customer:<id>:reports (members vehicle ids)
--       2 T:stats  3 T:stats:freq
-- ARGV: 1 tag T  2 now  3 exclusive start score ("-inf" or "(<score>")
--       4 limit (chunk size, a positive integer of at most 9 digits)
--       5 customer id ("" for T:reports)
-- Returns {count of reports in the chunk, last score of the chunk or "",
--          more (1 if members follow the chunk, else 0)}
-- Reports keep last_message_date; updated_at = now; missing hashes are skipped.
-- Errors, with nothing written: bad arguments, a key of another type, a
-- frequency or statistics counter that is not an integer. The whole chunk
-- is checked before its first report is written.
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

local T, now, start, cust = ARGV[1], ARGV[2], ARGV[3], ARGV[5]
local limit = ARGV[4]
if not limit or not string.match(limit, '^[1-9]%d*$') or #limit > 9 then
  return redis.error_reply('ERR reset: bad limit')
end
limit = tonumber(limit)
if not T or T == '' or not now or not start or not cust then
  return redis.error_reply('ERR reset: missing arguments')
end
if not typed(KEYS[1], 'zset') or not typed(KEYS[2], 'hash') or not typed(KEYS[3], 'hash') then
  return redis.error_reply('ERR reset: a key holds another type')
end
local m = redis.call('ZRANGEBYSCORE', KEYS[1], start, '+inf', 'WITHSCORES', 'LIMIT', 0, int(limit + 1))
local prefix = T .. ':report:' .. (cust == '' and '' or cust .. ':')

-- Pass 1: read and check every report of the chunk.
local reps, freqs, last = {}, {}, ''
local by_freq = {}  -- frequency (string) -> reports leaving it
local moved = 0
for i = 1, math.min(#m, 2 * limit), 2 do
  local rep = prefix .. m[i]
  last = m[i + 1]
  if not typed(rep, 'hash') then return redis.error_reply('ERR reset: a report is not a hash') end
  local f = redis.call('HGET', rep, 'frequency')
  if f then
    if not counter(f) then return redis.error_reply('ERR reset: a frequency is not an integer') end
    f = tonumber(f)
    reps[#reps + 1], freqs[#freqs + 1] = rep, f
    if f ~= 0 then
      moved = moved + 1
      by_freq[int(f)] = (by_freq[int(f)] or 0) + 1
    end
  end
end
if not counter(redis.call('HGET', KEYS[2], 'messages'))
    or not counter(redis.call('HGET', KEYS[3], '0')) then
  return redis.error_reply('ERR reset: a statistics counter is not an integer')
end
for f in pairs(by_freq) do
  if not counter(redis.call('HGET', KEYS[3], f)) then
    return redis.error_reply('ERR reset: a statistics counter is not an integer')
  end
end

-- Pass 2: write (frequencies in ascending order, so a replica applies the
-- same commands in the same order).
local order = {}
for f in pairs(by_freq) do order[#order + 1] = f end
table.sort(order, function(a, b) return tonumber(a) < tonumber(b) end)
for i, rep in ipairs(reps) do
  if freqs[i] ~= 0 then redis.call('HINCRBY', KEYS[2], 'messages', int(-freqs[i])) end
  redis.call('HSET', rep, 'frequency', '0', 'updated_at', now)
end
for _, f in ipairs(order) do
  if redis.call('HINCRBY', KEYS[3], f, int(-by_freq[f])) <= 0 then redis.call('HDEL', KEYS[3], f) end
end
if moved > 0 then redis.call('HINCRBY', KEYS[3], '0', int(moved)) end
return {#reps, last, #m > 2 * limit and 1 or 0}
