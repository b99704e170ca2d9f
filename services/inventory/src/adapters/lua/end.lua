-- End a pool's sale now: later reservations answer ENDED. Holds already taken stay and settle
-- as usual. A pool not loaded in Redis needs nothing (a load reads the new end from Postgres).
-- KEYS: 1 state
-- ARGV: 1 endsAtMs
-- Returns 1 when the loaded state was changed, 0 otherwise.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local ends = tonumber(redis.call('HGET', KEYS[1], 'ends'))
if ends ~= nil and ends <= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'ends', ARGV[1])
return 1
