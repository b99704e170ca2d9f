-- One take from a token bucket kept in Redis, so every process running it (all gateway pods and
-- all live-room pods) draws on one budget per key.
-- KEYS[1]  the bucket: a hash {tokens, at}
-- ARGV[1]  refill rate, tokens per second (> 0)
-- ARGV[2]  burst: the bucket's capacity (>= 1)
-- ARGV[3]  tokens this call takes (>= 0; 0 only looks)
-- Returns {1 when taken else 0, milliseconds until it could be taken}.
-- Invariant: 0 <= tokens <= burst. Time is Redis's clock, so pods with skewed clocks agree; a
-- bucket expires once it would have refilled, as a full bucket carries no information.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(stored[1]) or burst
local at = tonumber(stored[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local taken = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  taken = 1
else
  wait = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return {taken, wait}
