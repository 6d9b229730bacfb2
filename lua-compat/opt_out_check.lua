-- opt_out_check.lua: which phones are suppressed. Read-only.
-- KEYS: T:optout:<phone> for each phone asked about (any count, none too)
-- ARGV: none
-- Returns one integer per key, in order: 1 suppressed, 0 not.
local out = {}
for i, k in ipairs(KEYS) do
  out[i] = redis.call('EXISTS', k)
end
return out
