import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { takeFromBucket } from '../redis/token-bucket.js';
import type { Principal } from './principal.js';

/**
 * Per-credential request budget (DESIGN §7): one Redis token bucket per principal, shared by every API process.
 * Development mode's anonymous caller is not limited: it is the operator on loopback, and there is no key to
 * charge. Refusals carry `retryAfter` (seconds), also as REST's Retry-After header.
 */
export function createRateLimiter(redis: Redis, keyPrefix: string, options: { perSec: number; burst: number }) {
  return async (principal: Principal): Promise<void> => {
    if (principal.kind === 'dev') return;
    const waitMs = await takeFromBucket(redis, `${keyPrefix}:{auth:${principal.id}}:bucket`, options.perSec, options.burst, 'try');
    if (waitMs <= 0) return;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    throw new AppError('RATE_LIMITED', `too many requests for this credential; retry in ${retryAfter} s (COGO_RATE_LIMIT_PER_SEC)`, {
      via: 'auth',
      details: { retryAfter },
    });
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
