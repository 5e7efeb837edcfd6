import { AppError } from '../errors.js';
import type { RateLimiter } from './types.js';
import { takeFromBucket } from '../redis/token-bucket.js';
import { sourceKey, type RedisLike } from './lua-scripts.js';
import { abortableSleep } from './retry.js';

export interface RedisRateLimiterOptions {
  /** Namespace for the keys, e.g. the queue prefix: `cogo`, or `test-1a2b` in tests. */
  keyPrefix: string;
  source: string;
  /** Sustained requests per second across every worker sharing this Redis. */
  ratePerSec: number;
  /** Requests allowed at once after an idle period (bucket size); at least 1. */
  burst?: number;
}

export interface RedisRateLimiter extends RateLimiter {
  readonly key: string;
  /** One attempt: 0 when a token was taken, else ms until one will be available (nothing taken). */
  tryAcquire(): Promise<number>;
}

/** A token bucket in Redis, so N workers on M machines together stay under one source's rate. */
export function createRedisRateLimiter(redis: RedisLike, options: RedisRateLimiterOptions): RedisRateLimiter {
  const { keyPrefix, source, ratePerSec, burst = 1 } = options;
  if (!(ratePerSec > 0) || !(burst >= 1)) {
    throw new AppError('BAD_INPUT', `rate limiter for ${source}: ratePerSec must be > 0 and burst >= 1`, { via: 'research' });
  }
  const key = sourceKey(keyPrefix, source, 'bucket');
  const bucket = (mode: 'try' | 'reserve' | 'refund') => takeFromBucket(redis, key, ratePerSec, burst, mode);
  return {
    key,
    tryAcquire: () => bucket('try'),
    // One call: the token is reserved in arrival order and the caller sleeps until it is due. Asking again after
    // each wait would lose every token whose waiter woke a little late (a tenth of the rate at burst 1).
    async acquire(signal) {
      signal?.throwIfAborted();
      const waitMs = await bucket('reserve');
      if (waitMs <= 0) return;
      try {
        await abortableSleep(waitMs, signal);
      } catch (reason) {
        // A refund that fails loses one token of the shared budget (a moment of slightly lower rate), nothing else;
        // the caller needs the abort reason, not Redis's complaint.
        await bucket('refund').catch(() => {});
        throw reason;
      }
    },
  };
}
