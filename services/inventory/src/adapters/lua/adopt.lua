-- Adopt a hold written to Postgres while Redis was being rebuilt: if the rebuilt state lacks it,
-- take its units now, or refuse when that would oversell (the caller then releases the row).
-- KEYS: 1 state, 2 buyers, 3 holds, 4 keys, 5 expiry
-- ARGV: 1 holdId, 2 buyer, 3 qty, 4 key, 5 expiresAtMs
-- Invariant: held + sold <= quantity still holds afterwards.
-- Returns NOT_LOADED | PRESENT | ADOPTED | REFUSED.
local st = redis.call('HMGET', KEYS[1], 'quantity', 'limit', 'held', 'sold', 'seq')
if not st[1] then
  return 'NOT_LOADED'
end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  return 'PRESENT'
end
local quantity, limit, held, sold = tonumber(st[1]), tonumber(st[2]), tonumber(st[3]), tonumber(st[4])
local qty = tonumber(ARGV[3])
local bought = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
if quantity - held - sold < qty or bought + qty > limit then
  return 'REFUSED'
end
redis.call('HSET', KEYS[1], 'held', held + qty, 'seq', tonumber(st[5]) + 1)
redis.call('HINCRBY', KEYS[2], ARGV[2], qty)
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
redis.call('HSET', KEYS[4], ARGV[4], 'RESERVED|' .. ARGV[1] .. '|' .. ARGV[5] .. '|' .. ARGV[2] .. '|' .. ARGV[3])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
return 'ADOPTED'
