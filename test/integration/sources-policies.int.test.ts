import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCircuitBreaker, type CircuitBreakerOptions } from '../../src/policies/circuit-breaker.js';
import { withPolicies, type SourcePolicies } from '../../ingest/sources/with-policies.js';
import { unlimitedRateLimiter, type SourceContext, type SourceEvent } from '../../ingest/sources/types.js';
import { createWebSource, type WebSource } from '../../ingest/sources/web.js';
import { startFixtureWeb, type FixtureWeb } from '../support/fixture-web.js';

const prefix = `test-pol-${randomUUID().slice(0, 8)}`;
let web: FixtureWeb;
let redis: Redis;
let adapter: WebSource;

beforeAll(async () => {
  web = await startFixtureWeb();
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  adapter = createWebSource({ allowHosts: [`127.0.0.1:${web.port}`] });
});
afterAll(async () => {
  await adapter.close();
  await web.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

/** A context that records every event the policies emit. */
function recorder(): { ctx: SourceContext; events: SourceEvent[] } {
  const events: SourceEvent[] = [];
  return { events, ctx: { signal: new AbortController().signal, limiter: unlimitedRateLimiter, onEvent: (e) => events.push(e) } };
}
const unique = (name: string) => `${name}-${randomUUID().slice(0, 6)}`;
const breakerFor = (source: string, options: Partial<CircuitBreakerOptions> = {}) =>
  createRedisCircuitBreaker(redis, { keyPrefix: prefix, source, ...options });
/** The adapter under policies, with its own name so each test has its own breaker keys. */
function policed(name: string, policies: SourcePolicies) {
  return withPolicies({ name, search: adapter.search, fetch: adapter.fetch }, policies);
}

describe('withPolicies', () => {
  describe('retries', () => {
    it('honors Retry-After on 429 and then succeeds', async () => {
      const path = `/status/429/${unique('r')}`;
      const { ctx, events } = recorder();
      const started = Date.now();
      const doc = await policed(unique('src'), { retry: { maxAttempts: 3, baseDelayMs: 10 } }).fetch({ url: `${web.url}${path}?fail=1&retryAfter=1` }, ctx);
      expect(doc.text).toBe('recovered after 1 failures');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(web.hits(path)).toBe(2);
      expect(events.filter((e) => e.type === 'source.retry')).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ attempt: 1, code: 'RATE_LIMITED', delayMs: expect.any(Number) }) }),
      ]);
      expect(events[0]?.data.delayMs).toBeGreaterThanOrEqual(1000);
    });

    it('backs off on 500s and succeeds within maxAttempts', async () => {
      const path = `/status/500/${unique('r')}`;
      const { ctx, events } = recorder();
      const doc = await policed(unique('src'), { retry: { maxAttempts: 4, baseDelayMs: 20 } }).fetch({ url: `${web.url}${path}?fail=2` }, ctx);
      expect(doc.text).toBe('recovered after 2 failures');
      expect(web.hits(path)).toBe(3);
      expect(events.map((e) => e.type)).toEqual(['source.retry', 'source.retry']);
    });

    it('gives up after maxAttempts with the upstream error', async () => {
      const path = `/status/503/${unique('r')}`;
      await expect(
        policed(unique('src'), { retry: { maxAttempts: 2, baseDelayMs: 5 } }).fetch({ url: `${web.url}${path}?fail=10` }, recorder().ctx),
      ).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
      expect(web.hits(path)).toBe(2);
    });

    it('does not retry what cannot get better (404, robots)', async () => {
      const { ctx, events } = recorder();
      const p = policed(unique('src'), { retry: { maxAttempts: 3, baseDelayMs: 5 } });
      await expect(p.fetch({ url: `${web.url}/missing-page` }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(p.fetch({ url: `${web.url}/private/x` }, ctx)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(web.hits('/missing-page')).toBe(1);
      expect(events).toEqual([]);
    });
  });

  describe('circuit breaker', () => {
    it('opens after repeated 500s, fails fast for every worker, then closes after a successful probe', async () => {
      const name = unique('flaky');
      const path = `/status/500/${unique('b')}`;
      const url = `${web.url}${path}?fail=3`;
      const { ctx, events } = recorder();
      const worker1 = policed(name, { breaker: breakerFor(name, { failureThreshold: 3, coolDownMs: 3000 }), retry: { maxAttempts: 1 } });
      const worker2 = policed(name, { breaker: breakerFor(name, { failureThreshold: 3, coolDownMs: 3000 }), retry: { maxAttempts: 1 } });
      await expect(worker1.fetch({ url }, ctx)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      await expect(worker2.fetch({ url }, ctx)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(events).toEqual([]);
      await expect(worker1.fetch({ url }, ctx)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(events).toEqual([expect.objectContaining({ type: 'source.breaker-open', source: name, data: expect.objectContaining({ failures: 3 }) })]);
      expect(await breakerFor(name).state()).toBe('open');

      const started = Date.now();
      for (const worker of [worker1, worker2]) {
        await expect(worker.fetch({ url }, ctx)).rejects.toMatchObject({
          code: 'UPSTREAM_UNAVAILABLE',
          retryable: true,
          via: name,
          message: expect.stringContaining(name),
          details: expect.objectContaining({ breakerOpen: true }),
        });
      }
      // Fast: no request leaves (the hit count is unchanged), well under one 10 s attempt timeout.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(web.hits(path)).toBe(3);

      await new Promise((resolve) => setTimeout(resolve, 3100));
      expect(await breakerFor(name).state()).toBe('half-open');
      const doc = await worker2.fetch({ url }, ctx);
      expect(doc.text).toBe('recovered after 3 failures');
      expect(events.map((e) => e.type)).toEqual(['source.breaker-open', 'source.breaker-closed']);
      expect(await breakerFor(name).state()).toBe('closed');
    });

    it('re-opens when the half-open probe fails, and lets only one probe through', async () => {
      const name = unique('dead');
      const url = `${web.url}/status/500/${unique('b')}?fail=1000`;
      const { ctx, events } = recorder();
      const p = policed(name, { breaker: breakerFor(name, { failureThreshold: 2, coolDownMs: 300 }), retry: { maxAttempts: 1 } });
      for (let i = 0; i < 2; i++) await expect(p.fetch({ url }, ctx)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      await new Promise((resolve) => setTimeout(resolve, 350));
      const outcomes = await Promise.allSettled([p.fetch({ url }, ctx), p.fetch({ url }, ctx), p.fetch({ url }, ctx)]);
      const failFast = outcomes.filter((o) => o.status === 'rejected' && (o.reason as { details?: { breakerOpen?: boolean } }).details?.breakerOpen);
      expect(failFast).toHaveLength(2);
      expect(events.map((e) => e.type)).toEqual(['source.breaker-open', 'source.breaker-open']);
      expect(events[1]?.data.halfOpenProbeFailed).toBe(true);
      expect(await breakerFor(name).state()).toBe('open');
    });

    it('frees the probe slot when a probe ends without a verdict, so the next call can probe at once', async () => {
      const name = unique('neutral');
      const { ctx, events } = recorder();
      const p = policed(name, { breaker: breakerFor(name, { failureThreshold: 1, coolDownMs: 200 }), retry: { maxAttempts: 1 } });
      await expect(p.fetch({ url: `${web.url}/status/500/${unique('b')}?fail=9` }, ctx)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      await new Promise((resolve) => setTimeout(resolve, 250));
      await expect(p.fetch({ url: `${web.url}/missing-after-open` }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await p.fetch({ url: `${web.url}/text.txt` }, ctx)).status).toBe(200);
      expect(events.map((e) => e.type)).toEqual(['source.breaker-open', 'source.breaker-closed']);
    });

    it('ignores errors that say nothing about upstream health', async () => {
      const name = unique('healthy');
      const breaker = breakerFor(name, { failureThreshold: 2 });
      const p = policed(name, { breaker, retry: { maxAttempts: 1 } });
      for (let i = 0; i < 4; i++) await expect(p.fetch({ url: `${web.url}/missing-${i}` }, recorder().ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await breaker.state()).toBe('closed');
    });
  });

  describe('concurrency and deadlines', () => {
    it('caps in-flight calls per source', async () => {
      const ctx = recorder().ctx;
      const run = async (concurrency: number) => {
        const p = policed(unique('c'), { concurrency });
        await p.fetch({ url: `${web.url}/text.txt` }, ctx);
        const started = Date.now();
        await Promise.all(Array.from({ length: 6 }, () => p.fetch({ url: `${web.url}/slow?ms=1000` }, ctx)));
        return Date.now() - started;
      };
      // Six 1 s calls: three rounds with two in flight, one round with six.
      expect(await run(2)).toBeGreaterThanOrEqual(2990);
      expect(await run(6)).toBeLessThan(2000);
    });

    it('turns an attempt over attemptTimeoutMs into TIMEOUT and retries it', async () => {
      const { ctx, events } = recorder();
      const p = policed(unique('t'), { attemptTimeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 1 } });
      await p.fetch({ url: `${web.url}/text.txt` }, ctx);
      web.reset();
      await expect(p.fetch({ url: `${web.url}/slow?ms=2000` }, ctx)).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(web.hits('/slow')).toBe(2);
      expect(events.map((e) => e.data.code)).toEqual(['TIMEOUT']);
    });
  });
});
