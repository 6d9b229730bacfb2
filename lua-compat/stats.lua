-- stats.lua: read the statistics.
-- KEYS: 1 T:stats  2 T:stats:freq
-- ARGV: none
-- Returns {reports, messages, f1, c1, f2, c2, ...} integers, 0 when absent;
-- the (frequency, count) pairs are sorted by frequency.
local s = redis.call('HMGET', KEYS[1], 'reports', 'messages')
local out = {tonumber(s[1]) or 0, tonumber(s[2]) or 0}
local h = redis.call('HGETALL', KEYS[2])
local pairs_ = {}
for i = 1, #h, 2 do pairs_[#pairs_ + 1] = {tonumber(h[i]) or 0, tonumber(h[i + 1]) or 0} end
table.sort(pairs_, function(a, b) return a[1] < b[1] end)
for _, p in ipairs(pairs_) do
  out[#out + 1] = p[1]
  out[#out + 1] = p[2]
end
return out
