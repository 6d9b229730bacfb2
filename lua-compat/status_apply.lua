-- status_apply.lua: one delivery status of one message, or (mode "settle")
-- a message whose send was just counted. The only script that applies
-- statuses: record.lua only saves the message as "accepted", counts the
-- send, and the Store sends a "settle" right after it on the same
-- connection, so the rules below live in this one file.
-- KEYS: 1 T:message:<id>  2 T:message:<id>:reports  3 T:message:<id>:pending
--       4 T:stats:delivery
-- ARGV: 1 key prefix ("{wa}")  2 mode: "status" | "settle"
--   status: 3 state (sent|delivered|read|failed)  4 the provider's timestamp
--           (unix seconds, 1..12 digits)  5 error code  6 error title
--           7 pricing category (each may be "")  8 pending TTL seconds
--           (1..12 digits)  9 now (local ISO, kept as status_received_at)
--   settle: nothing more.
-- Returns (status) "applied" | "duplicate" | "stale" | "pending";
--   (settle) the number of pending statuses it applied.
--
-- The rules. A message's status is a function of the set of states seen
-- for it, whatever their order: failed if failed was seen (sticky, also
-- after read: Meta may send it after sent/delivered), else read, else
-- delivered, else sent, else accepted. A state seen twice counts once
-- (duplicate); one that does not change the status is stale (it is kept in
-- the seen set, so a repeat of it is a duplicate). A status for a message
-- no counted send has is kept in the pending hash (one field per state,
-- so at most 4, for the pending TTL) and applied by "settle".
-- Counters count reports (one message listing two vehicles is two): each
-- report of the message (T:message:<id>:reports, "cust:veh" -> the status
-- it is counted under) is counted under exactly one of: accepted only,
-- delivered (delivered or read), delivered+read, failed+failed:<code>.
-- Moving a report from one to another subtracts the old and adds the new,
-- in T:stats:delivery and in T:stats:delivery:<the message's day: the day
-- its reminder run was for, where record.lua counted it accepted>; so a
-- failed after delivered moves the report from delivered to failed.
-- Errors, with nothing written: bad arguments, a key of another type, a
-- counter that is not an integer.
local tag, mode = ARGV[1], ARGV[2]
local msg, reps, pend, stats = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local states = {sent = true, delivered = true, read = true, failed = true}
if #KEYS ~= 4 or not tag or tag == '' or (mode ~= 'status' and mode ~= 'settle') then
  return redis.error_reply('ERR status_apply: bad arguments')
end
if mode == 'status' then
  if not states[ARGV[3] or ''] or not string.match(ARGV[4] or '', '^%d+$') or #ARGV[4] > 12
      or not ARGV[5] or not ARGV[6] or not ARGV[7]
      or not string.match(ARGV[8] or '', '^[1-9]%d*$') or #ARGV[8] > 12
      or not ARGV[9] or ARGV[9] == '' then
    return redis.error_reply('ERR status_apply: bad status arguments')
  end
end
local function typed(key, want)
  local t = redis.call('TYPE', key).ok
  return t == 'none' or t == want
end
for i = 1, 4 do
  if not typed(KEYS[i], 'hash') then
    return redis.error_reply('ERR status_apply: KEYS[' .. i .. '] holds another type')
  end
end
local function counters_ok(key)
  local h = redis.call('HVALS', key)
  for _, v in ipairs(h) do
    -- an integer HINCRBY takes and Lua adds exactly (15 digits), as record.lua
    local digits = string.match(v, '^-?([1-9]%d*)$')
    if v ~= '0' and (digits == nil or #digits > 15) then return false end
  end
  return true
end

local known = redis.call('EXISTS', msg) == 1

-- An unknown message: keep the status for settle.
if mode == 'status' and not known then
  if redis.call('HEXISTS', pend, ARGV[3]) == 1 then return 'duplicate' end
  redis.call('HSET', pend, ARGV[3], cjson.encode({ARGV[4], ARGV[5], ARGV[6], ARGV[7]}))
  redis.call('EXPIRE', pend, ARGV[8])
  return 'pending'
end
if not known then return 0 end

-- Everything the writes below touch is read and checked first.
local day = redis.call('HGET', msg, 'day')
  or string.sub(redis.call('HGET', msg, 'sent_at') or '', 1, 10)
local daily = tag .. ':stats:delivery:' .. day
local pairs_ = redis.call('HGETALL', reps)
if not typed(daily, 'hash') or not counters_ok(stats) or not counters_ok(daily) then
  return redis.error_reply('ERR status_apply: a counter is not an integer')
end
for i = 1, #pairs_, 2 do
  if not typed(tag .. ':report:' .. pairs_[i], 'hash') then
    return redis.error_reply('ERR status_apply: a report holds another type')
  end
end
local pending = {}
if mode == 'settle' then
  for _, s in ipairs({'sent', 'delivered', 'read', 'failed'}) do
    local v = redis.call('HGET', pend, s)
    if v then
      local ok, p = pcall(cjson.decode, v)
      if not ok or type(p) ~= 'table' or type(p[1]) ~= 'string' then
        return redis.error_reply('ERR status_apply: a pending status is malformed')
      end
      pending[#pending + 1] = {s, p[1], p[2] or '', p[3] or '', p[4] or ''}
    end
  end
else
  pending[1] = {ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]}
end

local function derive()
  for _, s in ipairs({'failed', 'read', 'delivered', 'sent'}) do
    if redis.call('HEXISTS', msg, 'seen_' .. s) == 1 then return s end
  end
  return 'accepted'
end

-- One status into the seen set and the message.
local function apply(s, ts, code, title, pricing)
  if redis.call('HEXISTS', msg, 'seen_' .. s) == 1 then return 'duplicate' end
  local before = derive()
  redis.call('HSET', msg, 'seen_' .. s, ts)
  if pricing ~= '' then redis.call('HSET', msg, 'pricing_category', pricing) end
  if derive() == before then return 'stale' end
  redis.call('HSET', msg, 'status', s, 'status_at', ts)
  if s == 'failed' then redis.call('HSET', msg, 'error_code', code, 'error_title', title) end
  return 'applied'
end

-- What a report counts under, for the message's current status.
local function counted_as()
  local s = redis.call('HGET', msg, 'status') or 'accepted'
  if s == 'failed' then return 'failed:' .. (redis.call('HGET', msg, 'error_code') or '') end
  return s
end
local function contrib(c)
  if c == 'delivered' then return {delivered = 1} end
  if c == 'read' then return {delivered = 1, read = 1} end
  if string.sub(c, 1, 7) == 'failed:' then
    if c == 'failed:' then return {failed = 1} end
    return {failed = 1, [c] = 1}
  end
  return {}
end
local function add(t, sign)
  for f, n in pairs(t) do
    for _, key in ipairs({stats, daily}) do
      if redis.call('HINCRBY', key, f, sign * n) == 0 and f ~= 'delivered' and f ~= 'read'
          and f ~= 'failed' then
        redis.call('HDEL', key, f)
      end
    end
  end
end
-- Every report of the message counted under its current status.
local function settle()
  local now_as = counted_as()
  local m = redis.call('HMGET', msg, 'status', 'status_at', 'error_code', 'error_title')
  for i = 1, #pairs_, 2 do
    local pair, was = pairs_[i], pairs_[i + 1]
    if was ~= now_as then
      add(contrib(was), -1)
      add(contrib(now_as), 1)
      redis.call('HSET', reps, pair, now_as)
      local rep = tag .. ':report:' .. pair
      if redis.call('EXISTS', rep) == 1 then
        redis.call('HSET', rep, 'last_status', m[1] or 'accepted', 'last_status_at', m[2] or '',
          'last_error_code', m[3] or '', 'last_error_title', m[4] or '')
      end
    end
  end
end

local result, applied = nil, 0
for _, p in ipairs(pending) do
  local r = apply(p[1], p[2], p[3], p[4], p[5])
  if r == 'applied' then applied = applied + 1 end
  result = result or r
end
if mode == 'status' then
  if result == 'duplicate' then return result end
  redis.call('HSET', msg, 'status_received_at', ARGV[9])
else
  redis.call('DEL', pend)
end
settle()
if mode == 'settle' then return applied end
return result
