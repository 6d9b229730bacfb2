-- delivery_stats.lua: the delivery counters, summed (read-only).
-- KEYS: T:stats:delivery for every send, or one T:stats:delivery:<YYYY-MM-DD>
--       per day of a range (at most 366)
-- ARGV: none
-- Returns {field, total, ...} for every field of the hashes (accepted,
-- delivered, read, failed, failed:<error code>), sorted by field.
-- Errors: more than 366 keys, a key of another type, a field that is not an
-- integer.
if #KEYS < 1 or #KEYS > 366 then
  return redis.error_reply('ERR delivery_stats: need 1 to 366 keys')
end
local sums, names = {}, {}
for i, key in ipairs(KEYS) do
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= 'hash' then
    return redis.error_reply('ERR delivery_stats: KEYS[' .. i .. '] holds another type')
  end
  local h = redis.call('HGETALL', key)
  for j = 1, #h, 2 do
    local v = tonumber(h[j + 1])
    if not v or not string.match(h[j + 1], '^-?%d+$') then
      return redis.error_reply('ERR delivery_stats: a counter is not an integer')
    end
    if not sums[h[j]] then names[#names + 1] = h[j]; sums[h[j]] = 0 end
    sums[h[j]] = sums[h[j]] + v
  end
end
table.sort(names)
local out = {}
for _, f in ipairs(names) do
  out[#out + 1] = f
  out[#out + 1] = string.format('%d', sums[f])
end
return out
