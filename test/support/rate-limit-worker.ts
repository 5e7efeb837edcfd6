/**
 * A separate process sharing one Redis token bucket, for the cross-process rate-limit test:
 * takes tokens for DURATION_MS and prints the grant times (ms since epoch) as one JSON line.
 */
import { Redis } from 'ioredis';
import { createRedisRateLimiter } from '../../src/policies/rate-limiter.js';

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
// Start together: once every process is up (cold starts differ), the parent sends one wall-clock start time on
// stdin, so that all of them compete for the same window.
await redis.ping();
process.stdout.write('READY\n');
const startAt = await new Promise<number>((resolve) => {
  let line = '';
  process.stdin.on('data', (chunk: Buffer) => {
    line += chunk.toString();
    const match = /^GO (\d+)\n/.exec(line);
    if (match) resolve(Number(match[1]));
  });
});
process.stdin.destroy();
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
