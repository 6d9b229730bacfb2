-- attempt_fail.lua: a reminder send the gateway refused or that failed.
-- KEYS: 1 T:attempt:<vehicle>  2 T:report:<cust>:<vehicle>  3 T:vehicle:<vehicle>
--       4 T:stats  5 (optional) T:optout:<phone>: the normalised phone sent to
-- ARGV: 1 error text  2 error code  3 now  4 opted_out "0"/"1"
-- Returns 1.
-- Deletes the attempt, increments T:stats failures, sets last_error,
-- last_error_code, last_error_at on the vehicle and on the report (each only
-- if its hash exists), and do_not_contact 1 on the vehicle when opted out.
-- Opted out with KEYS 5 also suppresses the phone as opt_out.lua does
-- (opted_out_at now, reason error_131050, T:stats opted_out and
-- opt_out:error_131050 +1) unless it already is.
-- Errors, with nothing written: bad arguments, KEYS 2, 3, 4 or 5 not a
-- hash, a T:stats counter not an integer.
-- Redis keeps what a script wrote before an error, so every check that can
-- fail runs before the first write.
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
-- Absent, or an integer HINCRBY takes (15 digits).
local function counter(v)
  if not v then return true end
  local digits = string.match(v, '^-?([1-9]%d*)$')
  return v == '0' or (digits ~= nil and #digits <= 15)
end
if not ARGV[1] or not ARGV[2] or not ARGV[3] then
  return redis.error_reply('ERR attempt_fail: missing arguments')
end
if ARGV[4] ~= '0' and ARGV[4] ~= '1' then return redis.error_reply('ERR attempt_fail: bad opted_out') end
if not typed(KEYS[2], 'hash') or not typed(KEYS[3], 'hash') or not typed(KEYS[4], 'hash')
    or (KEYS[5] and not typed(KEYS[5], 'hash')) then
  return redis.error_reply('ERR attempt_fail: a key holds another type')
end
if not counter(redis.call('HGET', KEYS[4], 'failures')) then
  return redis.error_reply('ERR attempt_fail: failures is not an integer')
end
local suppress = ARGV[4] == '1' and KEYS[5] and redis.call('EXISTS', KEYS[5]) == 0
if suppress and (not counter(redis.call('HGET', KEYS[4], 'opted_out'))
    or not counter(redis.call('HGET', KEYS[4], 'opt_out:error_131050'))) then
  return redis.error_reply('ERR attempt_fail: a counter is not an integer')
end
redis.call('DEL', KEYS[1])
redis.call('HINCRBY', KEYS[4], 'failures', 1)
for _, k in ipairs({KEYS[3], KEYS[2]}) do
  if redis.call('EXISTS', k) == 1 then
    redis.call('HSET', k, 'last_error', ARGV[1], 'last_error_code', ARGV[2],
      'last_error_at', ARGV[3])
  end
end
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[3], 'do_not_contact', 1)
end
if suppress then
  redis.call('HSET', KEYS[5], 'opted_out_at', ARGV[3], 'reason', 'error_131050')
  redis.call('HINCRBY', KEYS[4], 'opted_out', 1)
  redis.call('HINCRBY', KEYS[4], 'opt_out:error_131050', 1)
end
return 1
