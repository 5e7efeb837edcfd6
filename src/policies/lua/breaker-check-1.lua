-- Circuit state before a call. KEYS[1] breaker hash {failures, openUntil, probeUntil}; ARGV[1] probe lease ms.
-- Returns {'closed', 0}, {'probe', 0} (half-open: this caller alone may try) or {'open', msLeft}.
-- Redis < 7 replicates scripts verbatim and then refuses writes after TIME; effects replication fixes that.
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
if openUntil == 0 then return {'closed', 0} end
if now < openUntil then return {'open', openUntil - now} end
local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probeUntil') or '0')
if now < probeUntil then return {'open', probeUntil - now} end
redis.call('HSET', KEYS[1], 'probeUntil', tostring(now + tonumber(ARGV[1])))
return {'probe', 0}
