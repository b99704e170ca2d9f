-- Settle a hold: CONFIRM moves its units from held to sold; RELEASE gives them back (and the
-- buyer's allowance); UNDO also forgets the idempotency key (the reservation never reached
-- Postgres, so the buyer's retry must be able to try again).
-- KEYS: 1 state, 2 buyers, 3 holds, 4 keys, 5 expiry
-- ARGV: 1 holdId, 2 action (CONFIRM | RELEASE | UNDO)
-- Invariant: a hold is settled at most once (it is removed from `holds` in the same step).
-- Returns {outcome, held, sold, quantity, seq, gen}; outcome NOT_LOADED, ABSENT or the action.
local st = redis.call('HMGET', KEYS[1], 'quantity', 'held', 'sold', 'seq', 'gen')
if not st[1] then
  return {'NOT_LOADED'}
end
local quantity, held, sold, seq = tonumber(st[1]), tonumber(st[2]), tonumber(st[3]), tonumber(st[4])
local hold = redis.call('HGET', KEYS[3], ARGV[1])
if not hold then
  return {'ABSENT', held, sold, quantity, seq, st[5]}
end
local buyer, qty, key = string.match(hold, '^(.*)|(%d+)|(.*)$')
qty = tonumber(qty)
held = held - qty
if ARGV[2] == 'CONFIRM' then
  sold = sold + qty
else
  local left = redis.call('HINCRBY', KEYS[2], buyer, -qty)
  if left <= 0 then redis.call('HDEL', KEYS[2], buyer) end
  if ARGV[2] == 'UNDO' then redis.call('HDEL', KEYS[4], key) end
end
seq = seq + 1
redis.call('HSET', KEYS[1], 'held', held, 'sold', sold, 'seq', seq)
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return {ARGV[2], held, sold, quantity, seq, st[5]}
