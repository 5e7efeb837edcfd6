-- SET KEYS[2] = ARGV[2] (EX ARGV[3]) only while KEYS[1] (a job's BullMQ lock) holds ARGV[1]; 1 if written, else 0.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
