import { loadLuaScript, type RedisLike } from './lua-script.js';

const takeToken = loadLuaScript(new URL('./take-token-1.lua', import.meta.url));

/**
 * A token bucket in Redis (take-token-1.lua): every process sharing the Redis shares the bucket. Used by the
 * research sources' rate limits and the API's per-credential limits. Resolves to 0 when a token was taken (or,
 * for `refund`, returned), else to the ms until one is available. `count` (try only) takes several at once.
 */
export function takeFromBucket(
  redis: RedisLike,
  key: string,
  ratePerSec: number,
  burst: number,
  mode: 'try' | 'reserve' | 'refund',
  count = 1,
): Promise<number> {
  return takeToken.run(redis, [key], [ratePerSec, burst, mode, count]).then(Number);
}
