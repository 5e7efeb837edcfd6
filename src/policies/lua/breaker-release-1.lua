-- A half-open probe ended without a verdict (404, robots refusal, cancel): free the probe slot so the next
-- caller may probe now instead of after the probe lease. KEYS[1] breaker hash.
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'probeUntil', '0')
end
return 0
