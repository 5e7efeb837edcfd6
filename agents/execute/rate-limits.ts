import type { Redis } from 'ioredis';
import { AppError } from '../../src/errors.js';
import { createRedisRateLimiter, type RedisRateLimiter } from '../../src/policies/rate-limiter.js';
import type { StepPlan } from './flow.js';

/**
 * Per-tenant, per-action token buckets in Redis (the research sources' limiter), shared by every worker process:
 * `delay` waits for a token, `refuse` fails the step with RATE_LIMITED.
 */
export function createActionLimits(redis: Redis, keyPrefix: string) {
  const limiters = new Map<string, RedisRateLimiter>();
  return async (tenant: string, policy: Pick<StepPlan, 'action' | 'rateLimit'>, signal: AbortSignal): Promise<void> => {
    const source = `execute:${tenant}:${policy.action}`;
    const id = `${source}:${policy.rateLimit.perSec}:${policy.rateLimit.burst}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = createRedisRateLimiter(redis, { keyPrefix, source, ratePerSec: policy.rateLimit.perSec, burst: policy.rateLimit.burst });
      limiters.set(id, limiter);
    }
    if (policy.rateLimit.onLimit === 'delay') return limiter.acquire(signal);
    const waitMs = await limiter.tryAcquire();
    if (waitMs > 0) {
      throw new AppError(
        'RATE_LIMITED',
        `${policy.action} is limited to ${policy.rateLimit.perSec}/s for this tenant; try again in ${Math.ceil(waitMs / 1000)} s`,
        {
          via: 'execute',
          retryable: false,
          details: { retryAfterMs: waitMs },
        },
      );
    }
  };
}
