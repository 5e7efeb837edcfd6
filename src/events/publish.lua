-- Appends one event to a stream with the next sequence number, keeps the stream bounded and alive,
-- and wakes live subscribers. KEYS: stream, seq counter. ARGV: maxlen, ttl seconds, channel, body.
local seq = redis.call('INCR', KEYS[2])
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'seq', seq, 'body', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], id)
return {id, seq}
