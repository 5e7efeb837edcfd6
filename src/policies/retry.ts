import { isAppError } from '../errors.js';

export interface RetryOptions {
  /** Total tries including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Cap for one wait; a Retry-After longer than this ends the retries (the job-level retry can wait instead). */
  maxDelayMs?: number;
  random?: () => number;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^(n−1))]. */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const { baseDelayMs = 250, maxDelayMs = 30_000, random = Math.random } = options;
  return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1)));
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry only what adapters marked retryable (429, 5xx, network, timeouts); a breaker's fail-fast is final. */
export function shouldRetry(error: unknown): boolean {
  return isAppError(error) && error.retryable && error.details?.breakerOpen !== true;
}

function retryAfterOf(error: unknown): number | undefined {
  const value = isAppError(error) ? error.details?.retryAfterMs : undefined;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, runs out of attempts, or `signal` aborts.
 * A server's Retry-After is honored as the minimum wait (plus ≤10 % jitter so workers don't return in lockstep).
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions & { signal?: AbortSignal; onRetry?: (info: RetryInfo) => void } = {},
): Promise<T> {
  const { maxAttempts = 3, maxDelayMs = 30_000, random = Math.random, signal, onRetry } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted || n >= maxAttempts || !shouldRetry(error)) throw error;
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== undefined && retryAfter > maxDelayMs) throw error;
      const delayMs = retryAfter !== undefined ? retryAfter + Math.floor(random() * Math.min(1000, retryAfter * 0.1)) : backoffDelay(n, { ...options, random });
      onRetry?.({ attempt: n, delayMs, error });
      await abortableSleep(delayMs, signal);
    }
  }
}
