-- KEYS[1] lock key, ARGV[1] holder token, ARGV[2] lease in ms: extends the lease only for its holder.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
