import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { errorFromNetwork, errorFromStatus, parseRetryAfter } from '../../src/net/http-errors.js';
import { abortableSleep, backoffDelay, shouldRetry, withRetry } from '../../src/policies/retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 01 May 2024 10:00:00 GMT');
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent and malformed values', () => {
    for (const value of [undefined, null, '', '1.5', '-3', 'soon', '12abc']) expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially under full jitter and respects the cap', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, { baseDelayMs: 100, random: top })).toBe(99);
    expect(backoffDelay(4, { baseDelayMs: 100, random: top })).toBe(799);
    expect(backoffDelay(20, { baseDelayMs: 100, maxDelayMs: 5000, random: top })).toBe(4999);
    expect(backoffDelay(3, { baseDelayMs: 100, random: () => 0 })).toBe(0);
  });
});

describe('withRetry', () => {
  const transient = (details: Record<string, unknown> = {}) => new AppError('UPSTREAM_UNAVAILABLE', 'down', { details });

  it('retries retryable errors until success and reports each retry', async () => {
    const seen: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw transient();
        return 'ok';
      },
      { maxAttempts: 5, baseDelayMs: 1, onRetry: (info) => seen.push(info.attempt) },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2]);
  });

  it('stops at maxAttempts and rethrows the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw transient();
        },
        { maxAttempts: 3, baseDelayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(calls).toBe(3);
  });

  it('does not retry non-retryable errors or an open breaker', async () => {
    for (const error of [new AppError('NOT_FOUND', 'gone'), transient({ breakerOpen: true })]) {
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
            throw error;
          },
          { maxAttempts: 3, baseDelayMs: 1 },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('waits at least Retry-After, and gives up when it exceeds maxDelayMs', async () => {
    const delays: number[] = [];
    let calls = 0;
    const started = Date.now();
    await withRetry(
      async () => {
        if (calls++ === 0) throw new AppError('RATE_LIMITED', 'slow down', { details: { retryAfterMs: 150 } });
      },
      { baseDelayMs: 1, onRetry: (info) => delays.push(info.delayMs) },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(delays[0]).toBeGreaterThanOrEqual(150);
    const long = new AppError('RATE_LIMITED', 'come back tomorrow', { details: { retryAfterMs: 86_400_000 } });
    await expect(
      withRetry(
        async () => {
          throw long;
        },
        { maxDelayMs: 1000 },
      ),
    ).rejects.toBe(long);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    const started = Date.now();
    await expect(
      withRetry(
        async () => {
          throw transient({ retryAfterMs: 10_000 });
        },
        { signal: controller.signal, maxDelayMs: 60_000 },
      ),
    ).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('abortableSleep', () => {
  it('rejects at once with the reason when already aborted', async () => {
    await expect(abortableSleep(10_000, AbortSignal.abort(new Error('stop')))).rejects.toThrow('stop');
  });
});

describe('errorFromStatus', () => {
  const at = { url: 'https://api.example/x', via: 'api' };
  it.each([
    [429, 'RATE_LIMITED', true],
    [503, 'UPSTREAM_UNAVAILABLE', true],
    [500, 'UPSTREAM_UNAVAILABLE', true],
    [408, 'TIMEOUT', true],
    [404, 'NOT_FOUND', false],
    [401, 'FORBIDDEN', false],
    [403, 'FORBIDDEN', false],
    [400, 'BAD_INPUT', false],
    [418, 'UPSTREAM_UNAVAILABLE', false],
  ])('maps HTTP %i to %s (retryable %s)', (status, code, retryable) => {
    const error = errorFromStatus(status, at);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.via).toBe('api');
  });
  it('carries Retry-After as details.retryAfterMs', () => {
    expect(errorFromStatus(429, { ...at, retryAfter: '7' }).details?.retryAfterMs).toBe(7000);
    expect(shouldRetry(errorFromStatus(429, { ...at, retryAfter: '7' }))).toBe(true);
  });
});

describe('errorFromNetwork', () => {
  it('marks connection resets retryable and unknown failures not', () => {
    expect(errorFromNetwork(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), { url: 'x', via: 'web' }).retryable).toBe(true);
    expect(errorFromNetwork(Object.assign(new Error('t'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), { url: 'x', via: 'web' }).code).toBe('TIMEOUT');
    expect(errorFromNetwork(new Error('weird'), { url: 'x', via: 'web' }).retryable).toBe(false);
  });
});
