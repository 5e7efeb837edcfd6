import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { takeFromBucket } from '../redis/token-bucket.js';
import type { Principal } from './principal.js';

/** How long a process may spend tokens it took ahead; unspent ones are simply lost (the limit errs low). */
const LEASE_MS = 1000;
const MAX_BATCH = 20;

/**
 * Per-credential request budget (DESIGN §7): one Redis token bucket per principal, shared by every API process.
 * A process takes a tenth of the burst at once (at most 20, and no more than a second's refill, so that a key used
 * slowly never pays for tokens it does not use) and spends them locally for up to a second, so a busy key costs a
 * Redis round trip every few requests rather than on each (bench/auth.ts); across processes the limit can only
 * come out lower, never higher. With a burst under 20 every request asks Redis, exactly.
 * Development mode's anonymous caller is not limited: it is the operator on loopback, with no key to charge.
 * Refusals carry `retryAfter` (seconds), also as REST's Retry-After header.
 */
export function createRateLimiter(redis: Redis, keyPrefix: string, options: { perSec: number; burst: number }) {
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(options.burst / 10), Math.floor((options.perSec * LEASE_MS) / 1000)));
  const leases = new Map<string, { tokens: number; until: number }>();

  return async (principal: Principal): Promise<void> => {
    if (principal.kind === 'dev') return;
    const now = Date.now();
    const lease = leases.get(principal.id);
    if (lease && lease.tokens > 0 && lease.until > now) {
      lease.tokens--;
      return;
    }
    const key = `${keyPrefix}:{auth:${principal.id}}:bucket`;
    if (batch > 1 && (await takeFromBucket(redis, key, options.perSec, options.burst, 'try', batch)) <= 0) {
      if (leases.size > 10_000) leases.clear();
      leases.set(principal.id, { tokens: batch - 1, until: now + LEASE_MS });
      return;
    }
    const waitMs = await takeFromBucket(redis, key, options.perSec, options.burst, 'try');
    if (waitMs <= 0) return;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    throw new AppError('RATE_LIMITED', `too many requests for this credential; retry in ${retryAfter} s (COGO_RATE_LIMIT_PER_SEC)`, {
      via: 'auth',
      details: { retryAfter },
    });
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
