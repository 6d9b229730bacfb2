-- reset.lua: one bounded chunk of a frequency reset (frequency -> 0).
-- KEYS: 1 index zset: T:reports (members "<cust>:<veh>") or
--         T:customer:<id>:reports (members vehicle ids)
--       2 T:stats  3 T:stats:freq
-- ARGV: 1 tag T  2 now  3 exclusive start score ("-inf" or "(<score>")
--       4 limit (chunk size, >= 1)  5 customer id ("" for T:reports)
-- Returns {count of reports in the chunk, last score of the chunk or "",
--          more (1 if members follow the chunk, else 0)}
-- Reports keep last_message_date; updated_at = now; missing hashes are skipped.
local limit = tonumber(ARGV[4])
if not limit or limit < 1 then return redis.error_reply('ERR reset: bad limit') end
local m = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], '+inf',
  'WITHSCORES', 'LIMIT', 0, limit + 1)
local prefix = ARGV[1] .. ':report:' .. (ARGV[5] == '' and '' or ARGV[5] .. ':')
local n, moved, last = 0, 0, ''
for i = 1, math.min(#m, 2 * limit), 2 do
  local rep = prefix .. m[i]
  last = m[i + 1]
  local f = redis.call('HGET', rep, 'frequency')
  if f then
    n = n + 1
    f = tonumber(f) or 0
    if f ~= 0 then
      moved = moved + 1
      redis.call('HINCRBY', KEYS[2], 'messages', -f)
      if redis.call('HINCRBY', KEYS[3], f, -1) <= 0 then redis.call('HDEL', KEYS[3], f) end
    end
    redis.call('HSET', rep, 'frequency', 0, 'updated_at', ARGV[2])
  end
end
if moved > 0 then redis.call('HINCRBY', KEYS[3], 0, moved) end
return {n, last, #m > 2 * limit and 1 or 0}
