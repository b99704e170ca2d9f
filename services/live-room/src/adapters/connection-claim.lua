-- Claims (or refreshes) one socket's place among its user's open sockets, over every pod.
-- KEYS[1]  the user's sockets: a sorted set of socket ids scored by when their claim lapses (ms)
-- ARGV[1]  socket id
-- ARGV[2]  most sockets the user may have open
-- ARGV[3]  claim lifetime in ms (pods refresh their sockets' claims well within it)
-- ARGV[4]  'claim' for a new socket, 'refresh' for one already counted
-- Returns 1 when the socket holds a place, 0 when the user is at the cap (nothing is written).
-- Invariant: at most ARGV[2] unlapsed members; a dead pod's sockets lapse on their own. Time is
-- Redis's clock, so pods with skewed clocks agree.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[4] == 'refresh' then
  redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[1])
else
  if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
    return 0
  end
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
end
if redis.call('ZCARD', KEYS[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
