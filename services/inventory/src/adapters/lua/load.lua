-- Rebuild one pool's hot state from Postgres rows (after a Redis loss or first use). A no-op when
-- the state is already there, so concurrent loaders are harmless.
-- KEYS: 1 state, 2 buyers, 3 holds, 4 keys, 5 expiry
-- ARGV: 1 quantity, 2 limit, 3 startsMs, 4 endsMs, 5 gen, then groups of 6:
--       holdId, buyer, qty, key, expiresAtMs, status (HELD | CONFIRMED)
-- Invariant: held and sold equal the sums of HELD and CONFIRMED rows.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'ALREADY'
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local held, sold = 0, 0
for i = 6, #ARGV, 6 do
  local holdId, buyer, qty, key, expires, status = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  redis.call('HINCRBY', KEYS[2], buyer, qty)
  redis.call('HSET', KEYS[4], key, 'RESERVED|' .. holdId .. '|' .. expires .. '|' .. buyer .. '|' .. qty)
  if status == 'HELD' then
    held = held + qty
    redis.call('HSET', KEYS[3], holdId, buyer .. '|' .. qty .. '|' .. key)
    redis.call('ZADD', KEYS[5], expires, holdId)
  else
    sold = sold + qty
  end
end
redis.call('HSET', KEYS[1], 'quantity', ARGV[1], 'limit', ARGV[2], 'starts', ARGV[3], 'ends', ARGV[4],
  'held', held, 'sold', sold, 'seq', 0, 'gen', ARGV[5])
return 'LOADED'
