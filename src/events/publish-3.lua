-- Appends one event to a stream with the next sequence number, keeps the stream bounded and alive,
-- and wakes live subscribers. KEYS: stream, seq counter, fence (a job's BullMQ lock key, or the seq counter when
-- unfenced). ARGV: maxlen, ttl seconds, channel, body, fence token ('' = unfenced).
-- Fenced: a run that no longer holds its job's lock writes nothing (returns seq -1), checked in the same step
-- as the append, so a run cannot slip an event in after another run has taken the job over.
if ARGV[5] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[5] then
  return {'', -1}
end
local seq = redis.call('INCR', KEYS[2])
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'seq', seq, 'body', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], id)
return {id, seq}
