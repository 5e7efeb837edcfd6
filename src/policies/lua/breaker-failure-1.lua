-- Records one failed call. KEYS[1] breaker hash; ARGV[1] threshold; ARGV[2] cool-down ms; ARGV[3] key TTL ms.
-- Returns {'opened', failures} when this failure opened the circuit (closed -> open or half-open -> open),
-- else {'counted', failures}.
-- Redis < 7 replicates scripts verbatim and then refuses writes after TIME; effects replication fixes that.
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
local result = 'counted'
if openUntil > 0 and now >= openUntil then
  result = 'opened'
elseif openUntil == 0 and failures >= tonumber(ARGV[1]) then
  result = 'opened'
end
if result == 'opened' then
  redis.call('HSET', KEYS[1], 'openUntil', tostring(now + tonumber(ARGV[2])), 'probeUntil', '0')
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return {result, failures}
