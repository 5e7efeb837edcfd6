/**
 * A separate process sharing one Redis token bucket, for the cross-process rate-limit test:
 * takes tokens for DURATION_MS and prints the grant times (ms since epoch) as one JSON line.
 */
import { Redis } from 'ioredis';
import { createRedisRateLimiter } from '../../ingest/sources/policies/rate-limiter.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`rate-limit-worker: ${name} is required`);
  return value;
};

const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
const limiter = createRedisRateLimiter(redis, {
  keyPrefix: env('KEY_PREFIX'),
  source: env('SOURCE'),
  ratePerSec: Number(env('RATE')),
  burst: Number(env('BURST')),
});
// Start together: the parent passes a wall-clock start time so both processes compete for the same window.
const startAt = Number(env('START_AT'));
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const deadline = AbortSignal.timeout(Math.max(1, startAt + Number(env('DURATION_MS')) - Date.now()));
const grants: number[] = [];
try {
  for (;;) {
    await limiter.acquire(deadline);
    // Counted even if the deadline passed meanwhile: the token was taken from the shared bucket all the same.
    grants.push(Date.now());
  }
} catch {
  // The deadline ended the last wait.
}
process.stdout.write(`${JSON.stringify({ pid: process.pid, grants })}\n`);
await redis.quit();
