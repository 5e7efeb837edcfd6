-- Token bucket shared by every worker: refill by the time elapsed on the Redis clock (one clock for all
-- machines), then act by mode:
--   try      take one token if there is one, else take none and return how many ms until one is available;
--   reserve  take one token even if that leaves the bucket in debt, and return how many ms until it is the
--            caller's: waiters queue in arrival order and none loses its turn by waking late;
--   refund   give back a reserved token its caller no longer needs (it gave up waiting).
-- KEYS[1] bucket hash {tokens, ts}; ARGV[1] tokens per second; ARGV[2] burst (bucket size); ARGV[3] mode;
-- ARGV[4] how many tokens `try` takes at once (default 1: a caller that keeps a few for itself asks for more).
-- Redis < 7 replicates scripts verbatim and then refuses writes after TIME; effects replication fixes that.
if redis.replicate_commands then redis.replicate_commands() end
local rate = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local mode = ARGV[3] or 'try'
local count = tonumber(ARGV[4]) or 1
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local last = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - last) * rate)
local wait = 0
if mode == 'refund' then
  tokens = math.min(burst, tokens + 1)
elseif tokens >= count then
  tokens = tokens - count
else
  wait = math.ceil((count - tokens) / rate)
  if mode == 'reserve' then tokens = tokens - 1 end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
-- Once the debt is paid and the bucket full again, its key carries no information and may go.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return wait
