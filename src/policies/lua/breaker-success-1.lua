-- Records one successful call: consecutive failures reset. KEYS[1] breaker hash.
-- Returns 1 when this success closed an open (half-open) circuit, else 0.
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
redis.call('DEL', KEYS[1])
if openUntil > 0 then return 1 end
return 0
