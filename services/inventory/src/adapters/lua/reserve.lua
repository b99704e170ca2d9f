-- Reserve units from a flash-sale pool: availability, per-buyer limit, hold with expiry and
-- idempotency key in one atomic step.
-- KEYS: 1 state (hash), 2 buyers (hash buyer->units held or sold), 3 holds (hash holdId->"buyer|qty|key"),
--       4 keys (hash idempotency key->first answer), 5 expiry (zset holdId->expiresAtMs)
-- ARGV: 1 buyer, 2 qty, 3 key, 4 holdId, 5 expiresAtMs, 6 nowMs
-- Invariant: held + sold <= quantity; one key -> one answer.
-- Returns {outcome, holdId, expiresAtMs, held, sold, quantity, seq, gen}; outcome REPLAY carries
-- the stored answer "OUTCOME|holdId|expiresAtMs|buyer|qty" in slot 2.
local prior = redis.call('HGET', KEYS[4], ARGV[3])
if prior then
  return {'REPLAY', prior}
end
local st = redis.call('HMGET', KEYS[1], 'quantity', 'limit', 'starts', 'ends', 'held', 'sold', 'seq', 'gen')
if not st[1] then
  return {'NOT_LOADED'}
end
local quantity, limit = tonumber(st[1]), tonumber(st[2])
local starts, ends = tonumber(st[3]), tonumber(st[4])
local held, sold, seq = tonumber(st[5]), tonumber(st[6]), tonumber(st[7])
local now, qty = tonumber(ARGV[6]), tonumber(ARGV[2])
if now < starts then
  return {'NOT_STARTED', '', '', held, sold, quantity, seq, st[8]}
end
if now >= ends then
  return {'ENDED', '', '', held, sold, quantity, seq, st[8]}
end
local function remember(outcome, holdId, expires)
  redis.call('HSET', KEYS[4], ARGV[3], outcome .. '|' .. holdId .. '|' .. expires .. '|' .. ARGV[1] .. '|' .. ARGV[2])
end
if quantity - held - sold < qty then
  remember('SOLD_OUT', '', '')
  return {'SOLD_OUT', '', '', held, sold, quantity, seq, st[8]}
end
local bought = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if bought + qty > limit then
  remember('LIMIT_REACHED', '', '')
  return {'LIMIT_REACHED', '', '', held, sold, quantity, seq, st[8]}
end
held = held + qty
seq = seq + 1
redis.call('HSET', KEYS[1], 'held', held, 'seq', seq)
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
redis.call('HSET', KEYS[3], ARGV[4], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[4])
remember('RESERVED', ARGV[4], ARGV[5])
return {'RESERVED', ARGV[4], ARGV[5], held, sold, quantity, seq, st[8]}
