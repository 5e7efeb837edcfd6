-- Token bucket shared by every worker: refill by the time elapsed on the Redis clock (one clock for all
-- machines), then take one token, or take none and return how many ms until one is available.
-- KEYS[1] bucket hash {tokens, ts}; ARGV[1] tokens per second; ARGV[2] burst (bucket size).
-- Redis < 7 replicates scripts verbatim and then refuses writes after TIME; effects replication fixes that.
if redis.replicate_commands then redis.replicate_commands() end
local rate = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local last = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - last) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
-- An idle bucket refills to full; after that its key carries no information and may go.
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return wait
