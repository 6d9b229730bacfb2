-- lease_renew.lua: renew or release the run lease, only by its owner.
-- KEYS: 1 T:run:lease
-- ARGV: 1 owner token  2 lease ms (a positive integer of at most 12 digits;
--       not checked on release)
--       3 optional "release"
-- Returns 1 (renewed: PEXPIRE ms; or released: deleted) | 0 (not the owner;
-- nothing changed).
-- Errors, with nothing written: bad arguments, KEYS 1 not a string.
local owner = ARGV[1]
if not owner or owner == '' then return redis.error_reply('ERR lease_renew: bad owner') end
local release = ARGV[3] == 'release'
if ARGV[3] and not release then return redis.error_reply('ERR lease_renew: bad mode') end
local ms = ARGV[2]
if not release and (not ms or not string.match(ms, '^[1-9]%d*$') or #ms > 12) then
  return redis.error_reply('ERR lease_renew: bad lease ms')
end
if redis.call('GET', KEYS[1]) ~= owner then return 0 end
if release then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ms)
end
return 1
