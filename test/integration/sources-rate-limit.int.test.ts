import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter, type RedisRateLimiter } from '../../src/policies/rate-limiter.js';
import { createRedisCircuitBreaker } from '../../src/policies/circuit-breaker.js';
import { maxInWindow } from '../support/rate-window.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-rl-${randomUUID().slice(0, 8)}`;
let redis: Redis;
let otherConnection: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  otherConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await Promise.all([redis.quit(), otherConnection.quit()]);
});

/** Takes tokens as fast as the limiter allows until `durationMs` has passed; returns the grant times. */
async function drain(limiter: RedisRateLimiter, durationMs: number): Promise<number[]> {
  const signal = AbortSignal.timeout(durationMs);
  const grants: number[] = [];
  try {
    for (;;) {
      await limiter.acquire(signal);
      grants.push(Date.now());
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  return grants;
}

describe('createRedisRateLimiter', () => {
  describe('when two limiter instances share a source', () => {
    it('grants about ratePerSec tokens per second in total, split between them', async () => {
      const options = { keyPrefix: prefix, source: `shared-${randomUUID().slice(0, 6)}`, ratePerSec: 20, burst: 2 };
      const a = createRedisRateLimiter(otherConnection, options);
      const b = createRedisRateLimiter(redis, options);
      const durationMs = 2000;
      const [ga, gb] = await Promise.all([drain(a, durationMs), drain(b, durationMs)]);
      const total = ga.length + gb.length;
      const expected = options.burst + (options.ratePerSec * durationMs) / 1000;
      expect(total).toBeGreaterThanOrEqual(Math.floor(expected * 0.85));
      expect(total).toBeLessThanOrEqual(expected + 1);
      expect(Math.min(ga.length, gb.length)).toBeGreaterThanOrEqual(total * 0.25);
      expect(maxInWindow([...ga, ...gb], 1000)).toBeLessThanOrEqual(options.burst + options.ratePerSec + 1);
    });
  });

  describe('when two child processes share a source', () => {
    it('keeps their combined rate at ratePerSec', async () => {
      const source = `procs-${randomUUID().slice(0, 6)}`;
      const rate = 10;
      // Two lets a waiter that wakes a little late still take the token it waited for (one would lose it).
      const burst = 2;
      const durationMs = 3000;
      const script = fileURLToPath(new URL('../support/rate-limit-worker.ts', import.meta.url));
      const spawnWorker = () => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], {
          env: { ...process.env, REDIS_URL, KEY_PREFIX: prefix, SOURCE: source, RATE: String(rate), BURST: String(burst), DURATION_MS: String(durationMs) },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        const ready = new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.startsWith('READY\n')) resolve();
          });
          child.on('close', (code) => reject(new Error(`worker exited ${code} before it was ready: ${err}`)));
        });
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        const grants = new Promise<number[]>((resolve, reject) => {
          child.on('error', reject);
          child.on('close', (code) => {
            if (code !== 0) return reject(new Error(`worker exited ${code}: ${err}`));
            resolve((JSON.parse(out.slice('READY\n'.length).trim()) as { grants: number[] }).grants);
          });
        });
        return { child, ready, grants };
      };
      const workers = [spawnWorker(), spawnWorker()];
      await Promise.all(workers.map((w) => w.ready));
      const startAt = Date.now() + 300;
      for (const w of workers) w.child.stdin.write(`GO ${startAt}\n`);
      const [first, second] = (await Promise.all(workers.map((w) => w.grants))) as [number[], number[]];
      const total = first.length + second.length;
      const expected = burst + (rate * durationMs) / 1000;
      expect(first.length).toBeGreaterThan(0);
      expect(second.length).toBeGreaterThan(0);
      expect(total).toBeGreaterThanOrEqual(Math.floor(expected * 0.85));
      expect(total).toBeLessThanOrEqual(expected + 2);
      expect(maxInWindow([...first, ...second], 1000)).toBeLessThanOrEqual(burst + rate + 1);
    }, 30_000);
  });

  describe('when sources differ', () => {
    it('gives each its own bucket', async () => {
      const slow = createRedisRateLimiter(redis, { keyPrefix: prefix, source: 'slow-one', ratePerSec: 0.5, burst: 1 });
      const other = createRedisRateLimiter(redis, { keyPrefix: prefix, source: 'other-one', ratePerSec: 0.5, burst: 1 });
      expect(await slow.tryAcquire()).toBe(0);
      expect(await slow.tryAcquire()).toBeGreaterThan(1000);
      expect(await other.tryAcquire()).toBe(0);
    });
  });

  it('keeps every key of a source under one Redis Cluster hash tag', () => {
    const limiter = createRedisRateLimiter(redis, { keyPrefix: prefix, source: 'npm', ratePerSec: 1 });
    const breaker = createRedisCircuitBreaker(redis, { keyPrefix: prefix, source: 'npm' });
    const tag = (key: string) => /\{([^}]+)\}/.exec(key)?.[1];
    expect(tag(limiter.key)).toBe('src:npm');
    expect(tag(breaker.key)).toBe(tag(limiter.key));
  });

  it('stops waiting when the signal aborts', async () => {
    const limiter = createRedisRateLimiter(redis, { keyPrefix: prefix, source: 'abort-me', ratePerSec: 0.1, burst: 1 });
    await limiter.acquire();
    const started = Date.now();
    await expect(limiter.acquire(AbortSignal.timeout(100))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(1000);
    // The token it had reserved went back: the next one is due ~10 s after the first, not ~20 s.
    const wait = await limiter.tryAcquire();
    expect(wait).toBeGreaterThan(8000);
    expect(wait).toBeLessThanOrEqual(10_000);
  });

  it('serves waiters in arrival order at the full rate, even with a bucket of one', async () => {
    const options = { keyPrefix: prefix, source: `queue-${randomUUID().slice(0, 6)}`, ratePerSec: 20, burst: 1 };
    const limiters = [redis, otherConnection, redis].map((connection) => createRedisRateLimiter(connection, options));
    const durationMs = 2000;
    const grants = await Promise.all(limiters.map((l) => drain(l, durationMs)));
    const total = grants.reduce((n, g) => n + g.length, 0);
    // 1 + 20 · 2 s = 41 due; the ones whose turn came after the deadline were given back, not counted.
    expect(total).toBeGreaterThanOrEqual(38);
    expect(total).toBeLessThanOrEqual(42);
    expect(Math.min(...grants.map((g) => g.length))).toBeGreaterThanOrEqual(10);
    expect(maxInWindow(grants.flat(), 1000)).toBeLessThanOrEqual(options.burst + options.ratePerSec + 1);
  });

  it('refuses a zero rate with BAD_INPUT', () => {
    expect(() => createRedisRateLimiter(redis, { keyPrefix: prefix, source: 'x', ratePerSec: 0 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
